# partita_libfuzzer(): one libFuzzer target and its short CTest run.
#
# The project builds with the default compiler, but libFuzzer is clang's:
# each fuzzer is built by running clang directly on the unmodified sources.
#
# partita_libfuzzer(NAME TEST test SECONDS n [CORPUS dir] [TIMEOUT s]
#                   SOURCES src... [FLAGS flag...] [LIBS lib...]
#                   [DEPENDS file...])
# builds NAME (the target and the binary) with ASan and UBSan from SOURCES
# and FLAGS, and registers the CTest entry TEST if given (label
# integration): a run of SECONDS through tests/fuzz/run-fuzz.sh from the
# seeds in CORPUS.
# DEPENDS: files that rebuild it besides the sources (included ones).
# Without clang the fuzzer is left out, with a message.
find_program(PARTITA_CLANG NAMES clang clang-14)

function(partita_libfuzzer name)
	if(NOT PARTITA_CLANG)
		message(STATUS "${name}: clang not found, not built")
		return()
	endif()
	cmake_parse_arguments(F "" "TEST;SECONDS;CORPUS;TIMEOUT"
		"SOURCES;FLAGS;LIBS;DEPENDS" ${ARGN})
	if(NOT F_TIMEOUT)
		set(F_TIMEOUT 90)
	endif()
	set(bin ${CMAKE_CURRENT_BINARY_DIR}/${name})
	add_custom_command(OUTPUT ${bin}
		COMMAND ${PARTITA_CLANG} -std=gnu11 -g -O1
			-fsanitize=fuzzer,address,undefined
			-fno-sanitize-recover=undefined
			${F_FLAGS} ${F_SOURCES} ${F_LIBS} -o ${bin}
		DEPENDS ${F_SOURCES} ${F_DEPENDS}
		COMMENT "Building the ${name} fuzzer with clang"
		VERBATIM)
	add_custom_target(${name} ALL DEPENDS ${bin})
	if(NOT F_TEST)
		return()
	endif()
	add_test(NAME ${F_TEST}
		COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run-fuzz.sh ${bin}
			${F_SECONDS} ${F_CORPUS})
	set_tests_properties(${F_TEST} PROPERTIES LABELS integration
		TIMEOUT ${F_TIMEOUT})
endfunction()
