/* How much stack the calling thread has left: a guard for recursion that is not ours to
   bound by counting (a template library rendering partials that include themselves). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include "CLuaShim.h"

static _Thread_local uintptr_t stack_low;
static _Thread_local int stack_known; /* 0 not read yet, 1 known, -1 unknown */

size_t lg_stack_remaining(void) {
    if (stack_known == 0) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        stack_known = -1;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr != NULL) {
                stack_low = (uintptr_t)addr;
                stack_known = 1;
            }
            pthread_attr_destroy(&attr);
        }
    }
    if (stack_known != 1) return (size_t)PTRDIFF_MAX; /* unknown: plenty (and positive as a Swift Int) */
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    return here > stack_low ? (size_t)(here - stack_low) : 0;
}
