/* Aether tests: an LD_PRELOAD trap for the real-time rules. While a thread
   is flagged "audio" (rtshim_set_audio), any call to an allocator, a lock, a
   sleep or write() counts as a hit. Tests read the hits and fail on any. */

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The shim's own interface, looked up by tests with dlsym(). */
void
rtshim_set_audio(int on);
int
rtshim_hits(void);
const char*
rtshim_first_hit(void);
void
rtshim_reset(void);

static _Thread_local int    audio;
static atomic_int           hits;
static _Atomic(const char*) first_hit;

void
rtshim_set_audio(const int on)
{
  audio = on;
}

int
rtshim_hits(void)
{
  return atomic_load(&hits);
}

const char*
rtshim_first_hit(void)
{
  return atomic_load(&first_hit);
}

void
rtshim_reset(void)
{
  atomic_store(&hits, 0);
  atomic_store(&first_hit, (const char*)NULL);
}

static void
hit(const char* const what)
{
  if (audio) {
    const char* expected = NULL;
    atomic_compare_exchange_strong(&first_hit, &expected, what);
    atomic_fetch_add(&hits, 1);
  }
}

/* glibc's own allocator entry points: no dlsym needed, no recursion. */
extern void*
__libc_malloc(size_t size);
extern void*
__libc_calloc(size_t n, size_t size);
extern void*
__libc_realloc(void* ptr, size_t size);
extern void
__libc_free(void* ptr);
extern void*
__libc_memalign(size_t alignment, size_t size);

void*
malloc(const size_t size)
{
  hit("malloc");
  return __libc_malloc(size);
}

void*
calloc(const size_t n, const size_t size)
{
  hit("calloc");
  return __libc_calloc(n, size);
}

void*
realloc(void* const ptr, const size_t size)
{
  hit("realloc");
  return __libc_realloc(ptr, size);
}

void
free(void* const ptr)
{
  hit("free");
  __libc_free(ptr);
}

int
posix_memalign(void** const out, const size_t alignment, const size_t size)
{
  hit("posix_memalign");
  void* const p = __libc_memalign(alignment, size);
  if (!p) {
    return 12; /* ENOMEM */
  }
  *out = p;
  return 0;
}

void*
aligned_alloc(const size_t alignment, const size_t size)
{
  hit("aligned_alloc");
  return __libc_memalign(alignment, size);
}

void*
memalign(const size_t alignment, const size_t size)
{
  hit("memalign");
  return __libc_memalign(alignment, size);
}

/* The rest are resolved once at load time, before any thread is flagged. */
static int (*real_mutex_lock)(pthread_mutex_t*);
static int (*real_sem_wait)(sem_t*);
static int (*real_nanosleep)(const struct timespec*, struct timespec*);
static int (*real_usleep)(useconds_t);
static ssize_t (*real_write)(int, const void*, size_t);

__attribute__((constructor)) static void
rtshim_init(void)
{
  /* POSIX guarantees dlsym() results convert to function pointers; copy
     the bits to stay within ISO C. */
  void* sym = NULL;
  sym       = dlsym(RTLD_NEXT, "pthread_mutex_lock");
  memcpy(&real_mutex_lock, &sym, sizeof(sym));
  sym = dlsym(RTLD_NEXT, "sem_wait");
  memcpy(&real_sem_wait, &sym, sizeof(sym));
  sym = dlsym(RTLD_NEXT, "nanosleep");
  memcpy(&real_nanosleep, &sym, sizeof(sym));
  sym = dlsym(RTLD_NEXT, "usleep");
  memcpy(&real_usleep, &sym, sizeof(sym));
  sym = dlsym(RTLD_NEXT, "write");
  memcpy(&real_write, &sym, sizeof(sym));
}

int
pthread_mutex_lock(pthread_mutex_t* const mutex)
{
  hit("pthread_mutex_lock");
  return real_mutex_lock(mutex);
}

int
sem_wait(sem_t* const sem)
{
  hit("sem_wait");
  return real_sem_wait(sem);
}

int
nanosleep(const struct timespec* const req, struct timespec* const rem)
{
  hit("nanosleep");
  return real_nanosleep(req, rem);
}

int
usleep(const useconds_t usec)
{
  hit("usleep");
  return real_usleep(usec);
}

ssize_t
write(const int fd, const void* const buf, const size_t count)
{
  hit("write");
  return real_write(fd, buf, count);
}
