# The root partition's kernel: the newest Debian linux-image whose headers
# are installed too (the module must be built for exactly that kernel).
# Sets PARTITA_ROOT_KERNEL_VERSION, PARTITA_ROOT_KERNEL_IMAGE and
# PARTITA_ROOT_KERNEL_HEADERS, or leaves them empty when none is installed.
set(PARTITA_ROOT_KERNEL_VERSION "")
set(PARTITA_ROOT_KERNEL_IMAGE "")
set(PARTITA_ROOT_KERNEL_HEADERS "")
file(GLOB _partita_vmlinuz /boot/vmlinuz-*-amd64)
list(SORT _partita_vmlinuz COMPARE NATURAL ORDER DESCENDING)
foreach(_image ${_partita_vmlinuz})
	string(REGEX REPLACE "^/boot/vmlinuz-" "" _version ${_image})
	if(EXISTS /usr/src/linux-headers-${_version}/Makefile)
		set(PARTITA_ROOT_KERNEL_VERSION ${_version})
		set(PARTITA_ROOT_KERNEL_IMAGE ${_image})
		set(PARTITA_ROOT_KERNEL_HEADERS /usr/src/linux-headers-${_version})
		break()
	endif()
endforeach()
if(PARTITA_ROOT_KERNEL_VERSION)
	message(STATUS "Root partition kernel: ${PARTITA_ROOT_KERNEL_VERSION}")
else()
	message(STATUS "Root partition kernel: none (install linux-image-amd64 and linux-headers-amd64)")
endif()
