/*
 * vietqr.c - the VietQR payload (NAPAS, EMVCo merchant-presented QR) of a
 * transfer to an agency's collection account: TLV fields, each a two-digit
 * id, a two-digit length and the value; the CRC-16/CCITT-FALSE of
 * everything up to and including "6304" closes it (DOMAIN.md "Payments").
 */
#include "payment.h"

#include <stdio.h>
#include <string.h>

#include "../core/banned.h"

unsigned mc_crc16_ccitt(const void *p, size_t n)
{
	const unsigned char *b = p;
	unsigned crc = 0xFFFF;
	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned)b[i] << 8;
		for (int k = 0; k < 8; k++)
			crc = (crc & 0x8000) ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
	}
	return crc;
}

/* Append one TLV field; MC_E_INVAL when the value is empty or over 99
 * bytes, MC_E_TOO_BIG when out is full. */
static int tlv(char *out, size_t n, size_t *len, const char *id, const char *value)
{
	size_t v = strlen(value);
	if (v == 0 || v > 99)
		return MC_E_INVAL;
	int k = snprintf(out + *len, n - *len, "%s%02zu%s", id, v, value);
	if (k < 0 || (size_t)k >= n - *len)
		return MC_E_TOO_BIG;
	*len += (size_t)k;
	return 0;
}

static int digits(const char *s, size_t min, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n < min || n > max)
		return 0;
	return strspn(s, "0123456789") == n;
}

/* Printable ASCII only: the payload is read by every bank's app. */
static int plain(const char *s)
{
	for (; s && *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

int mc_vietqr_payload(const char *bin, const char *account, int64_t amount, const char *bill, const char *purpose,
		      char *out, size_t n)
{
	char acct[128], merchant[160], extra[160], money[24];
	size_t la = 0, lm = 0, le = 0, len = 0;
	if (!digits(bin, 6, 6) || !account || !*account || !plain(account) || !plain(bill) || !plain(purpose) ||
	    amount < 0 || amount > 9999999999999LL || n < 8)
		return MC_E_INVAL;
	int rc;
	/* 38: {00 GUID, 01 {00 BIN, 01 account}, 02 service to an account} */
	if ((rc = tlv(acct, sizeof(acct), &la, "00", bin)) || (rc = tlv(acct, sizeof(acct), &la, "01", account)) ||
	    (rc = tlv(merchant, sizeof(merchant), &lm, "00", "A000000727")) ||
	    (rc = tlv(merchant, sizeof(merchant), &lm, "01", acct)) ||
	    (rc = tlv(merchant, sizeof(merchant), &lm, "02", "QRIBFTTA")))
		return rc == MC_E_TOO_BIG ? MC_E_INVAL : rc;
	extra[0] = '\0';
	if (bill && *bill && (rc = tlv(extra, sizeof(extra), &le, "01", bill)))
		return MC_E_INVAL;
	if (purpose && *purpose && (rc = tlv(extra, sizeof(extra), &le, "08", purpose)))
		return MC_E_INVAL;
	snprintf(money, sizeof(money), "%lld", (long long)amount);
	out[0] = '\0';
	if ((rc = tlv(out, n, &len, "00", "01")) || (rc = tlv(out, n, &len, "01", "12")) ||
	    (rc = tlv(out, n, &len, "38", merchant)) || (rc = tlv(out, n, &len, "53", "704")) ||
	    (amount > 0 && (rc = tlv(out, n, &len, "54", money))) || (rc = tlv(out, n, &len, "58", "VN")) ||
	    (le && (rc = tlv(out, n, &len, "62", extra))))
		goto fail;
	if (len + 8 >= n) {
		rc = MC_E_TOO_BIG;
		goto fail;
	}
	memcpy(out + len, "6304", 5);
	len += 4;
	snprintf(out + len, n - len, "%04X", mc_crc16_ccitt(out, len));
	return 0;
fail:
	out[0] = '\0';
	return rc;
}
