/*
 * Benchmark-only stand-in for the provider binary (scripts/bench.py compiles it with cc
 * and installs it, as terraform-provider-auth0, for one `terraform apply`). It measures
 * the peak RSS of the real, unmodified provider from outside:
 *
 *   - starts $PEAK_RSS_REAL as its child, same arguments, same stdin/stdout/stderr (so
 *     go-plugin's handshake line reaches Terraform unchanged), and the environment minus
 *     the two PEAK_RSS_* variables (so the provider sees what Terraform gave it);
 *   - forwards ending signals it receives to the child;
 *   - waits with wait4(), whose ru_maxrss is the child's peak RSS in KiB on Linux: the
 *     kernel's high-water mark of the child's memory at exit, the figure VmHWM shows;
 *   - appends "pid child_maxrss_kib wrapper_vmhwm_kib" to $PEAK_RSS_OUT;
 *   - exits as the child did, at once (go-plugin kills a plugin still running 2 s after
 *     its Shutdown RPC).
 *
 * Why C, not Python: Linux folds the high-water mark of the memory a process had before
 * execve into its ru_maxrss. A child forked (or vforked) by a Python wrapper starts with
 * Python's ~10 MiB and would report that instead of the provider's ~7 MiB. This wrapper's
 * own memory (VmHWM) is about 1 MiB; it reports it so the benchmark can check that the
 * child's figure exceeds it, and so can only be the provider's. (Not its own ru_maxrss:
 * that holds Terraform's ~60 MiB, Terraform having vforked it; the child's does not, as
 * fork gives it a fresh count and a copy of this small address space.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM};
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

static volatile pid_t child;

/* This process's VmHWM in KiB, or -1. */
static long own_vmhwm_kib(void) {
    long kib = -1;
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

static void forward(int sig) {
    int saved = errno;
    if (child > 0)
        kill(child, sig);
    errno = saved;
}

int main(int argc, char **argv) {
    (void)argc;
    const char *real = getenv("PEAK_RSS_REAL");
    const char *out = getenv("PEAK_RSS_OUT");
    if (!real || !out) {
        fprintf(stderr, "peak-rss-wrapper: PEAK_RSS_REAL and PEAK_RSS_OUT must be set\n");
        return 127;
    }
    char *out_path = strdup(out);
    if (!out_path)
        return 127;

    /* Signals arriving before the child's pid is known wait until it is. */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaddset(&block, forwarded[i]);
    sigprocmask(SIG_BLOCK, &block, &old);

    pid_t pid = fork();
    if (pid < 0) {
        perror("peak-rss-wrapper: fork");
        return 127;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        unsetenv("PEAK_RSS_REAL");
        unsetenv("PEAK_RSS_OUT");
        argv[0] = (char *)real;
        execv(real, argv);
        perror("peak-rss-wrapper: execv");
        _exit(127);
    }
    child = pid;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaction(forwarded[i], &sa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("peak-rss-wrapper: wait4");
            return 127;
        }
    }
    long own = own_vmhwm_kib();
    FILE *f = fopen(out_path, "a");
    if (f) {
        fprintf(f, "%ld %ld %ld\n", (long)pid, ru.ru_maxrss, own);
        fclose(f);
    }

    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        signal(sig, SIG_DFL);
        sigset_t one;
        sigemptyset(&one);
        sigaddset(&one, sig);
        sigprocmask(SIG_UNBLOCK, &one, NULL);
        raise(sig);
        return 128 + sig;
    }
    return 127;
}
