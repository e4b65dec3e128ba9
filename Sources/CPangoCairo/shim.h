#ifndef CRIER_PANGO_CAIRO_SHIM_H
#define CRIER_PANGO_CAIRO_SHIM_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

/* PANGO_SCALE is a macro Swift imports, but as the wrong type in places: one typed copy. */
static const int crier_pango_scale = PANGO_SCALE;

/* Whether `markup` is valid Pango markup; on failure *message holds a copy of the reason (free with g_free). */
static inline int crier_pango_markup_check(const char *markup, char **message) {
    GError *error = NULL;
    if (pango_parse_markup(markup, -1, 0, NULL, NULL, NULL, &error)) return 1;
    *message = g_strdup(error ? error->message : "invalid markup");
    if (error) g_error_free(error);
    return 0;
}

#endif
