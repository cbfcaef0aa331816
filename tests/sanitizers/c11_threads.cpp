// ThreadSanitizer builds only (AETHERIAL_SANITIZE=thread): C11 threads over pthreads.
//
// librdkafka starts its threads with C11 `thrd_create`. Since glibc 2.34 that calls glibc's
// internal pthread_create directly, past the sanitizer's pthread_create interceptor, and
// clang 14's runtime has no interceptor of its own for it: such a thread has no sanitizer
// state and crashes at its first allocation. Defined in the test executable, these functions
// take precedence over glibc's for every library of the process, and go through
// pthread_create and pthread_join, which the sanitizer sees.
#include <pthread.h>
#include <threads.h>

#include <cstdint>
#include <new>

namespace {

struct start {
  thrd_start_t func;
  void* arg;
};

void* trampoline(void* p) {
  const start s = *static_cast<start*>(p);
  delete static_cast<start*>(p);
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(s.func(s.arg)));
}

} // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  auto* s = new (std::nothrow) start{func, arg};
  if (s == nullptr) return thrd_nomem;
  pthread_t t;
  if (pthread_create(&t, nullptr, &trampoline, s) != 0) {
    delete s;
    return thrd_error;
  }
  *thr = t;
  return thrd_success;
}

int thrd_join(thrd_t thr, int* res) {
  void* out = nullptr;
  if (pthread_join(thr, &out) != 0) return thrd_error;
  if (res != nullptr) *res = static_cast<int>(reinterpret_cast<std::intptr_t>(out));
  return thrd_success;
}

int thrd_detach(thrd_t thr) {
  return pthread_detach(thr) == 0 ? thrd_success : thrd_error;
}

} // extern "C"
