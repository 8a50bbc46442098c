/*
 * text.h - Unicode text: NFC normalisation, diacritic-free search keys,
 * UTF-8 validation.  Vietnamese search ignores diacritics and case:
 * "Xác nhận tình trạng hôn nhân" and "xac nhan tinh trang hon nhan" give the
 * same key.
 */
#ifndef MC_TEXT_H
#define MC_TEXT_H

#include "arena.h"

#include <stddef.h>

/* 1 if s is valid UTF-8 of at most max bytes with no C0 control characters
 * other than tab, CR and LF, and no DEL. */
int mc_text_valid(const char *s, size_t max);
/* Number of characters (Unicode code points) in s, or -1 if s is not valid
 * UTF-8.  Every length limit a person is told about counts these: "at most
 * 200 characters" takes 200 Vietnamese letters, whatever their bytes. */
long mc_text_chars(const char *s);
/* 1 if s is valid UTF-8 (as mc_text_valid) of at most max characters. */
int mc_text_valid_chars(const char *s, size_t max);
/* 1 if s is a person's name as the citizen ID card writes one: letters of
 * any alphabet (every Vietnamese letter with its diacritics, precomposed or
 * with combining marks), spaces, and the marks ' ’ - . between them;
 * at least one letter; no digits, emoji or other symbols. */
int mc_text_person_name(const char *s);
/* NFC form of s (arena memory), or NULL if s is not valid UTF-8. */
/* 1 when s is an abbreviation of at most max characters: letters (any
 * script, with their diacritics), digits and "&", at least one letter
 * (UBND, SGDĐT, VHXH, KT&HT). */
int mc_text_abbreviation(const char *s, long max);
char *mc_text_nfc(struct mc_arena *a, const char *s);
/* Search key: NFD, combining marks removed, đ -> d, lower case, runs of
 * white space and punctuation folded to one space, trimmed.  Dots are kept,
 * so that procedure codes such as "1.001193" stay searchable.  NULL if s is
 * not valid UTF-8. */
char *mc_text_search_key(struct mc_arena *a, const char *s);
/* The same into a malloc'd string (caller frees). */
char *mc_text_search_key_dup(const char *s);
/* s without its diacritics, case kept ("Hồ sơ Đăng ký" -> "Ho so Dang ky"),
 * as SMS gateways send Vietnamese; malloc'd, NULL if s is not valid UTF-8. */
char *mc_text_unaccent_dup(const char *s);
/* "%<search key of q>%" for a LIKE over stored search keys (malloc'd), or
 * NULL when q is NULL, empty or not valid UTF-8 (no filter). */
char *mc_text_like_key(const char *q);

#endif
