# partita_add_guest(NAME SOURCES src... [LIBRARIES lib...]): a guest kernel
# linked with libpartita-guest as the static, non-PIE ELF
# ${CMAKE_BINARY_DIR}/guests/NAME.elf, loaded at 1 MiB (ld/guest.ld).
# The CMake target is guest-NAME.

set(PARTITA_GUEST_LDSCRIPT ${CMAKE_CURRENT_LIST_DIR}/../ld/guest.ld
	CACHE INTERNAL "linker script for Partita guest kernels")

# Guests run at 1 MiB in identity-mapped RAM: non-PIC code in the small
# code model (every symbol below 2 GiB) is the simplest fit.
set(PARTITA_GUEST_C_FLAGS ${PARTITA_FREESTANDING_FLAGS}
	-fno-pic -fno-pie -mcmodel=small
	CACHE INTERNAL "C flags for code that runs in a Partita guest")

function(partita_add_guest name)
	cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
	if(NOT ARG_SOURCES)
		message(FATAL_ERROR "partita_add_guest(${name}): no SOURCES")
	endif()
	set(target guest-${name})
	add_executable(${target} ${ARG_SOURCES})
	set_target_properties(${target} PROPERTIES
		OUTPUT_NAME ${name}
		SUFFIX .elf
		RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/guests
		POSITION_INDEPENDENT_CODE OFF
		LINK_DEPENDS ${PARTITA_GUEST_LDSCRIPT})
	target_compile_options(${target} PRIVATE
		$<$<COMPILE_LANGUAGE:C>:${PARTITA_GUEST_C_FLAGS}>)
	target_link_options(${target} PRIVATE
		-static -nostdlib -no-pie
		-Wl,-T,${PARTITA_GUEST_LDSCRIPT}
		-Wl,--build-id=none -Wl,-z,max-page-size=0x1000
		-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments)
	target_link_libraries(${target} PRIVATE partita-guest ${ARG_LIBRARIES})
endfunction()
