/*
 * only.h (tests) - run one test of a cmocka program alone, to prove that it
 * does not lean on what an earlier test of the same program left behind:
 *
 *     MC_TEST_ONLY=receive_rules ./api_test_dossier_actions
 *
 * The value is a cmocka filter pattern ('*' and '?' match), so
 * MC_TEST_ONLY='*rules' runs a few.  The group set-up and tear-down run as
 * always.
 */
#ifndef MC_TEST_ONLY_H
#define MC_TEST_ONLY_H

/* Call in main, before cmocka_run_group_tests: when MC_TEST_ONLY is set and
 * not empty, only the tests whose names match it run. */
void mc_test_only_from_env(void);

#endif
