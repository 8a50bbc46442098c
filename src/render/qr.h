/*
 * qr.h - QR codes (libqrencode, error correction level M) for the tracking
 * link printed on form 01, payment codes and verification links.
 *
 * Both variants include the 4-module quiet zone the QR standard asks for, so
 * the caller only reserves the square.
 */
#ifndef MC_QR_H
#define MC_QR_H

#include "core/buf.h"

#include <cairo.h>

/*
 * Draw the QR code of text (UTF-8, encoded as 8-bit bytes) as a square of
 * side `size` user units with its top-left corner at (x, y): a white square
 * and black modules, as filled vector rectangles (sharp at any scale).
 * Returns 0, MC_E_INVAL (empty text), MC_E_TOO_BIG (more than a QR code holds
 * at level M) or MC_E_NOMEM.  The context's source and path are clobbered.
 */
int mc_qr_draw(cairo_t *cr, const char *text, double x, double y, double size);

/*
 * Append to out an SVG document of the QR code of text: viewBox in modules
 * (quiet zone included), one <path> of black modules on a white <rect>, and
 * width/height of `size_px` (0 = 4 pixels per module).  The caller sets
 * out's limit.  Same errors as mc_qr_draw, plus MC_E_TOO_BIG when out is full
 * (out keeps its previous contents on any error).
 */
int mc_qr_svg(const char *text, int size_px, struct mc_buf *out);

#endif
