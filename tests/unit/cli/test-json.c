// SPDX-License-Identifier: GPL-2.0-only
/* The JSON writer: nesting, separators, escaping, compact records. */
#include <criterion/criterion.h>
#include <string.h>

#include "capture.h"
#include "out-json.h"

Test(json, pretty_nested)
{
	struct capture c;
	struct json_out j;
	char *s;

	json_init(&j, capture_begin(&c), 1);
	json_object_begin(&j, NULL);
	json_string(&j, "a", "x");
	json_array_begin(&j, "list");
	json_u64(&j, NULL, 1);
	json_object_begin(&j, NULL);
	json_bool(&j, "ok", 1);
	json_object_end(&j);
	json_array_end(&j);
	json_array_begin(&j, "empty");
	json_array_end(&j);
	json_object_end(&j);
	json_finish(&j);
	s = capture_end(&c);
	cr_assert_str_eq(s, "{\n"
			    "  \"a\": \"x\",\n"
			    "  \"list\": [\n"
			    "    1,\n"
			    "    {\n"
			    "      \"ok\": true\n"
			    "    }\n"
			    "  ],\n"
			    "  \"empty\": []\n"
			    "}\n");
	free(s);
}

Test(json, compact_record)
{
	struct capture c;
	struct json_out j;
	char *s;

	json_init(&j, capture_begin(&c), 0);
	json_object_begin(&j, NULL);
	json_u64(&j, "seq", 18446744073709551615ull);
	json_string(&j, "text", "hi");
	json_object_end(&j);
	json_finish(&j);
	s = capture_end(&c);
	cr_assert_str_eq(s, "{\"seq\":18446744073709551615,\"text\":\"hi\"}\n");
	free(s);
}

Test(json, escapes_controls_quotes_and_high_bytes)
{
	struct capture c;
	struct json_out j;
	const char in[] = "q\"b\\n\n\t\r\x01\xff";
	char *s;

	json_init(&j, capture_begin(&c), 0);
	json_string_n(&j, NULL, in, sizeof(in) - 1);
	json_finish(&j);
	s = capture_end(&c);
	cr_assert_str_eq(s, "\"q\\\"b\\\\n\\n\\t\\r\\u0001\\u00ff\"\n");
	free(s);
}

Test(json, string_n_stops_at_length_not_nul)
{
	struct capture c;
	struct json_out j;
	char *s;

	json_init(&j, capture_begin(&c), 0);
	json_string_n(&j, NULL, "a\0b", 3);
	json_finish(&j);
	s = capture_end(&c);
	cr_assert_str_eq(s, "\"a\\u0000b\"\n");
	free(s);
}

Test(json, depth_limit_does_not_overflow)
{
	struct capture c;
	struct json_out j;
	char *s;

	json_init(&j, capture_begin(&c), 0);
	for (int i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json_array_begin(&j, NULL);
	for (int i = 0; i < JSON_MAX_DEPTH + 4; i++)
		json_array_end(&j);
	json_finish(&j);
	s = capture_end(&c);
	cr_assert(strlen(s) > 0);
	free(s);
}
