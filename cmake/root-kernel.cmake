# The root partition's kernel: the Debian kernel apt would install for
# linux-image-amd64, fetched with apt-get download and unpacked (image,
# modules, headers, kbuild) into PARTITA_KERNEL_CACHE by
# dom0-tools/rootfs/fetch-kernel.sh. The host's own /boot and /usr/src are
# never used, so nothing has to be installed into the host's boot.
# Sets PARTITA_ROOT_KERNEL_VERSION, PARTITA_ROOT_KERNEL_IMAGE,
# PARTITA_ROOT_KERNEL_HEADERS and PARTITA_ROOT_KERNEL_TREE (the tree with
# lib/modules/VERSION), or leaves them empty when no kernel can be had.
set(_partita_kernel_cache_default ${CMAKE_BINARY_DIR}/kernel)
if(DEFINED ENV{PARTITA_KERNEL_CACHE} AND NOT "$ENV{PARTITA_KERNEL_CACHE}" STREQUAL "")
	set(_partita_kernel_cache_default $ENV{PARTITA_KERNEL_CACHE})
endif()
set(PARTITA_KERNEL_CACHE ${_partita_kernel_cache_default} CACHE PATH
	"where the root kernel's packages are downloaded and unpacked (default: BUILD_DIR/kernel)")

set(PARTITA_ROOT_KERNEL_VERSION "")
set(PARTITA_ROOT_KERNEL_IMAGE "")
set(PARTITA_ROOT_KERNEL_HEADERS "")
set(PARTITA_ROOT_KERNEL_TREE "")
# Runs at every configure: cheap once the kernel is unpacked (two apt-cache
# look-ups, no network); its messages go to the terminal.
execute_process(
	COMMAND ${CMAKE_SOURCE_DIR}/dom0-tools/rootfs/fetch-kernel.sh
		--cache ${PARTITA_KERNEL_CACHE}
	OUTPUT_VARIABLE _partita_kernel_out
	RESULT_VARIABLE _partita_kernel_rc)
if(_partita_kernel_rc EQUAL 0)
	string(REPLACE "\n" ";" _partita_kernel_lines "${_partita_kernel_out}")
	foreach(_line ${_partita_kernel_lines})
		if(_line MATCHES "^version=(.+)$")
			set(PARTITA_ROOT_KERNEL_VERSION ${CMAKE_MATCH_1})
		elseif(_line MATCHES "^tree=(.+)$")
			set(PARTITA_ROOT_KERNEL_TREE ${CMAKE_MATCH_1})
		elseif(_line MATCHES "^image=(.+)$")
			set(PARTITA_ROOT_KERNEL_IMAGE ${CMAKE_MATCH_1})
		elseif(_line MATCHES "^headers=(.+)$")
			set(PARTITA_ROOT_KERNEL_HEADERS ${CMAKE_MATCH_1})
		endif()
	endforeach()
endif()
if(PARTITA_ROOT_KERNEL_VERSION)
	message(STATUS "Root partition kernel: ${PARTITA_ROOT_KERNEL_VERSION} "
		"(unpacked in ${PARTITA_ROOT_KERNEL_TREE})")
else()
	message(WARNING "Root partition kernel: none: fetch-kernel.sh could "
		"not download or find one in ${PARTITA_KERNEL_CACHE} (see its "
		"message above); the root image, partita.ko and the root's tests "
		"are left out")
endif()
