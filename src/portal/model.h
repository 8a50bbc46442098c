/*
 * model.h - a dossier as the national public-service portal (Cổng dịch vụ
 * công quốc gia) is told of it: what map.c turns into the payload of its
 * dossier synchronisation service (DongBoHoSoMC).  Filled by store.c from
 * the dossier as it is when the queued change is sent.
 */
#ifndef MC_PORTAL_MODEL_H
#define MC_PORTAL_MODEL_H

#include <jansson.h>
#include <stdint.h>

struct mc_portal_dossier {
	char code[80];            /* MaHoSo */
	char procedure_code[32];  /* MaTTHC: the national code, 1.001193 */
	char procedure_name[512]; /* TenTTHC */
	char field_code[32];      /* MaLinhVuc */
	char field_name[256];     /* TenLinhVuc */
	char channel[16];         /* online | counter */
	char return_method[16];   /* counter | post */
	char agency_code[40];     /* the competent agency's code, 000.00.02.H29 */
	char agency_name[256];    /* DonViXuLy */
	char status[32];          /* the queued change: the dossier's status after it */
	char action[32];          /* and the event (intake, receive, forward...) */
	int64_t submitted_at;     /* NgayNopHoSo */
	int64_t received_at;      /* NgayTiepNhan (0: not received) */
	int64_t due_at;           /* NgayHenTra: the appointment, else the due time */
	int64_t completed_at;     /* NgayKetThucXuLy */
	int64_t returned_at;      /* NgayTra */
	json_t *applicant;        /* borrowed: full_name, id_number | tax_code, phone, email */
	json_t *results;          /* borrowed, may be NULL: [{summary, number, symbol, doc_date}] */
	int updating;             /* the portal already accepted this dossier once (isUpdating) */
};

#endif
