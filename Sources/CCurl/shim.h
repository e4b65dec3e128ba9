// Typed wrappers around libcurl's variadic setopt / getinfo, which Swift cannot call.
#ifndef CRIER_CCURL_SHIM_H
#define CRIER_CCURL_SHIM_H

#include <curl/curl.h>

/// CURL_GLOBAL_ALL as a constant Swift can read.
static const long crier_curl_global_all = CURL_GLOBAL_ALL;
/// CURLUSESSL_ALL: require TLS (STARTTLS) or fail.
static const long crier_curl_use_ssl_all = (long)CURLUSESSL_ALL;
/// CURLUSESSL_NONE.
static const long crier_curl_use_ssl_none = (long)CURLUSESSL_NONE;
/// CURL_ERROR_SIZE.
static const int crier_curl_error_size = CURL_ERROR_SIZE;
/// CURLAUTH_BASIC.
static const long crier_curl_auth_basic = (long)CURLAUTH_BASIC;
/// CURLAUTH_BEARER.
static const long crier_curl_auth_bearer = (long)CURLAUTH_BEARER;

/// CURL_READFUNC_ABORT: a read callback's way to stop the transfer.
static const size_t crier_curl_readfunc_abort = CURL_READFUNC_ABORT;

typedef size_t (*crier_curl_data_callback)(char *buffer, size_t size, size_t count, void *user);

typedef int (*crier_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *user);

static inline CURLcode crier_curl_set_debug_callback(CURL *handle, crier_curl_debug_callback value) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, value);
}

static inline CURLcode crier_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_set_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_set_callback(CURL *handle, CURLoption option, crier_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode crier_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode crier_curl_get_socket(CURL *handle, CURLINFO info, curl_socket_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
