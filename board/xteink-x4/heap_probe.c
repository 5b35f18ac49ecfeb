/*
 * heap_probe.c — NOT part of the firmware. Built only with -DINK_BOARD_HEAP_PROBE=call or =wrap
 * by tests/corpus/test_board_qemu.sh, to prove the heap ban works (a ban that cannot fail would
 * prove nothing):
 *   call  main() calls malloc/free: the link must fail (undefined __wrap_malloc);
 *   wrap  this file also defines __wrap_malloc/__wrap_free, so the link succeeds and the
 *         post-link image check (check_image.cmake) must reject the image.
 */
#include <stddef.h>
#include <stdlib.h>

void *ink_board_heap_probe(size_t nbytes);

void *ink_board_heap_probe(size_t nbytes)
{
    void *block = malloc(nbytes);
    free(block);
    return block;
}

#ifdef INK_BOARD_HEAP_PROBE_WRAP
void *__wrap_malloc(size_t nbytes);
void __wrap_free(void *block);
static unsigned char ink_probe_block[16];
void *__wrap_malloc(size_t nbytes)
{
    return nbytes <= sizeof ink_probe_block ? ink_probe_block : NULL;
}
void __wrap_free(void *block)
{
    (void)block;
}
#endif
