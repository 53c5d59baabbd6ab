// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the CIM value names (ctl/cimvalues.c), run under
 * ASan/UBSan by `make check`.
 */
#include <stdio.h>
#include <string.h>

#include <linux/cimrepl.h>

#include "cimvalues.h"
#include "kselftest_harness.h"

static const struct cim_value_map *const maps[] = {
	&cim_sync_type_map, &cim_mode_map, &cim_copy_type_map,
	&cim_copy_state_map, &cim_progress_status_map, &cim_operation_map,
	&cim_replication_type_map, &cim_action_map, &cim_storage_object_map,
	&cim_feature_map, &cim_list_feature_map,
};

TEST(every_value_round_trips_through_its_keyword_name_and_number)
{
	unsigned int m;
	size_t i;

	for (m = 0; m < sizeof(maps) / sizeof(maps[0]); m++) {
		for (i = 0; i < maps[m]->count; i++) {
			const struct cim_value_name *n = &maps[m]->names[i];
			char number[16];
			int v = -1;

			ASSERT_TRUE(cim_value_parse(maps[m], n->keyword, &v));
			EXPECT_EQ(n->value, v);
			v = -1;
			ASSERT_TRUE(cim_value_parse(maps[m], n->name, &v));
			EXPECT_EQ(n->value, v);
			snprintf(number, sizeof(number), "%d", n->value);
			v = -1;
			ASSERT_TRUE(cim_value_parse(maps[m], number, &v));
			EXPECT_EQ(n->value, v);
			EXPECT_STREQ(n->name, cim_value_name(maps[m], n->value));
		}
	}
}

TEST(keywords_and_values_are_unique_within_a_map)
{
	unsigned int m;
	size_t i, j;

	for (m = 0; m < sizeof(maps) / sizeof(maps[0]); m++)
		for (i = 0; i < maps[m]->count; i++)
			for (j = i + 1; j < maps[m]->count; j++) {
				EXPECT_NE(maps[m]->names[i].value,
					  maps[m]->names[j].value);
				EXPECT_NE(0, strcmp(maps[m]->names[i].keyword,
						    maps[m]->names[j].keyword));
			}
}

TEST(standard_values_are_the_ones_of_the_schema)
{
	int v;

	ASSERT_TRUE(cim_value_parse(&cim_sync_type_map, "snapshot", &v));
	EXPECT_EQ(7, v);
	ASSERT_TRUE(cim_value_parse(&cim_sync_type_map, "Clone", &v));
	EXPECT_EQ(8, v);
	ASSERT_TRUE(cim_value_parse(&cim_sync_type_map, "MIRROR", &v));
	EXPECT_EQ(6, v);
	ASSERT_TRUE(cim_value_parse(&cim_mode_map, "async", &v));
	EXPECT_EQ(3, v);
	ASSERT_TRUE(cim_value_parse(&cim_copy_state_map, "Fractured", &v));
	EXPECT_EQ(6, v);
	ASSERT_TRUE(cim_value_parse(&cim_operation_map, "return-to-pool", &v));
	EXPECT_EQ(19, v);
	ASSERT_TRUE(cim_value_parse(&cim_operation_map, "Detach", &v));
	EXPECT_EQ(8, v);
}

TEST(unknown_text_and_numbers_outside_the_map_are_refused)
{
	static const char *const bad[] = { "", "5", "10", "snap", "7x", " 7",
					   "-1", "99999999999999999999" };
	size_t i;
	int v = 1234;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_FALSE(cim_value_parse(&cim_sync_type_map, bad[i], &v))
			TH_LOG("\"%s\" accepted", bad[i]);
		EXPECT_EQ(1234, v);
	}
	EXPECT_EQ(NULL, cim_value_name(&cim_copy_state_map, 1));
	EXPECT_EQ(NULL, cim_value_keyword(&cim_operation_map, 23));
}

TEST_HARNESS_MAIN
