import CPangoCairo
import CrierCore
import Foundation

/// Lays out Pango markup on A4 pages with Cairo and returns the PDF bytes. Long content flows
/// onto further pages line by line; text is shaped by Pango with the system's fonts
/// (DejaVu Sans by default), so any UTF-8 text (Māori macrons, other scripts) comes out right.
package enum PDFRenderer {
    /// A4 in PostScript points.
    static let pageWidth = 595.276, pageHeight = 841.89
    /// Space around the text on every side, in points.
    static let margin = 56.0
    /// The font the markup starts with.
    static let font = "DejaVu Sans 10"

    /// The PDF of `markup`. `title` goes into the document's metadata; `created` is written
    /// as its creation date, so the same markup and date give the same bytes.
    package static func render(markup: String, title: String, created: Date) throws(PDFError) -> [UInt8] {
        var problem: UnsafeMutablePointer<CChar>?
        guard crier_pango_markup_check(markup, &problem) != 0 else {
            let text = problem.map { String(cString: $0) } ?? "invalid markup"
            g_free(problem)
            throw .invalidMarkup(text)
        }
        let sink = ByteSink()
        let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), pageWidth, pageHeight)
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "crier")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, Timestamp.utc(created))
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        let layout = pango_cairo_create_layout(cr)
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        let scale = Double(crier_pango_scale)
        pango_layout_set_width(layout, Int32((pageWidth - 2 * margin) * scale))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_markup(layout, markup, -1)
        drawPages(layout, on: cr, scale: scale)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
        return sink.bytes
    }

    /// Draws the layout line by line, starting a new page when the next line would pass the
    /// bottom margin.
    private static func drawPages(_ layout: OpaquePointer?, on cr: OpaquePointer?, scale: Double) {
        let usable = (pageHeight - 2 * margin) * scale
        let iter = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iter) }
        var pageTop = 0.0
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iter, nil, &logical)
            let top = Double(logical.y), bottom = Double(logical.y + logical.height)
            if bottom - pageTop > usable, top > pageTop {
                cairo_show_page(cr)
                pageTop = top
            }
            let baseline = Double(pango_layout_iter_get_baseline(iter))
            cairo_move_to(cr, margin + Double(logical.x) / scale, margin + (baseline - pageTop) / scale)
            pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(iter))
        } while pango_layout_iter_next_line(iter) != 0
    }
}

/// Why a PDF attachment could not be made.
package enum PDFError: Error, Equatable, CustomStringConvertible {
    /// The rendered template is not valid Pango markup (Pango's reason).
    case invalidMarkup(String)
    /// Cairo failed to write the document.
    case cairo(String)

    /// One line for logs and `crier failures`.
    package var description: String {
        switch self {
        case .invalidMarkup(let reason): return "not valid Pango markup: \(reason)"
        case .cairo(let reason): return "cairo could not write the PDF: \(reason)"
        }
    }
}

/// Collects what Cairo writes.
private final class ByteSink {
    var bytes: [UInt8] = []
}
