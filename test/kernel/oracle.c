/*
 * Landlock oracle for the kernel differential tests (the *.test.ts files next to it).
 *
 * It builds a Landlock ruleset exactly as OpenShell does (crates/openshell-supervisor-process/src/
 * sandbox/linux/landlock.rs @2f7fb65 with landlock 0.4.4) and asks the running kernel, operation by
 * operation, what a sandboxed process may do. The kernel's answer is the ground truth the access
 * model of server/src/core is compared with.
 *
 * Ruleset construction (what OpenShell does, see docs/kernel-verification.md):
 *   - handled = from_all(abi): the 13 ABI-1 rights, + REFER (abi >= 2), + TRUNCATE (abi >= 3),
 *     + IOCTL_DEV (abi >= 5). Network and scope rights are never handled.
 *   - read_only  -> EXECUTE | READ_FILE | READ_DIR;  read_write -> every handled right.
 *   - each path is opened as root with O_PATH | O_CLOEXEC (symlinks, the last one included, are
 *     followed) and fstat'ed; a non-directory gets its rights ANDed with the file rights
 *     EXECUTE | WRITE_FILE | READ_FILE (+ TRUNCATE if abi >= 3, + IOCTL_DEV if abi >= 5).
 *   - a path that fails to open is skipped (best_effort); read_only rules are added first.
 *   - no rule at all (no paths, or every path failed) -> no Landlock ruleset is applied, as OpenShell's
 *     best_effort mode does ("zero valid paths" is swallowed and the child runs unrestricted).
 *   - enforcement, in a forked child: prctl(PR_SET_NO_NEW_PRIVS), setgroups(0)/setgid/setuid to the
 *     sandbox identity, landlock_restrict_self. The tree belongs to that identity, so DAC allows every
 *     probe and every denial comes from Landlock.
 *
 * Usage:
 *   oracle --abi-version     prints the kernel's highest Landlock ABI ("7"), or an errno name
 *                            (ENOSYS, EOPNOTSUPP...) and exits 1 when Landlock is unavailable.
 *   oracle < spec            runs a spec (below) and prints results on stdout.
 *   <copy named "true">      exits 0 at once: copies of this (statically linked) binary are the
 *                            executables of exec probes, so that an exec needs no ELF interpreter or
 *                            shared library outside the scratch tree (a copy of a dynamic /bin/true
 *                            would also need rights on /lib/ld-linux*.so and libc).
 *
 * Spec, one directive a line, tokens separated by single spaces (paths never contain spaces):
 *   abi N               handled ABI (1..7), default 2 (what OpenShell pins)
 *   uid N / gid N       identity the sandboxed child drops to, default 1500/1500
 *   root DIR            scratch root; must exist. The tree below is built inside it (as root, then
 *                       chown'ed to uid:gid, the root itself included)
 *   mode isolated       (default) for EVERY op: wipe the root's content, rebuild the tree, open the
 *                       rule paths, build the ruleset, fork a child that restricts itself and runs the
 *                       op. Ops cannot influence each other, so each one is compared with a
 *                       prediction made on the initial tree.
 *   mode sequential     build the tree and the ruleset once; each op runs in a fresh restricted child
 *                       but the filesystem state carries over (unlink then re-create, rename then exec,
 *                       entries created "later" by root with `rootop`).
 *   d PATH              directory, mode 0755
 *   f PATH [TEXT]       regular file, mode 0644, content TEXT (default "content")
 *   truebin PATH        executable that `x` entries copy (default: this oracle, which acts as `true`
 *                       when its name is "true"); the harness passes the tiny ORACLE_TRUE build
 *   x PATH              executable copy of the truebin, mode 0755
 *   l PATH TARGET       symlink (TARGET written as is: absolute or relative)
 *   ro PATH / rw PATH   read_only / read_write rule (any order; read_only ones are added first)
 *   op NAME ARGS...     probe run by the sandboxed child
 *   rootop NAME ARGS... same operation run by the (unrestricted, root) oracle itself; sequential
 *                       mode only, to emulate changes made from outside while the sandbox runs.
 *                       What it creates is chown'ed to uid:gid (DAC must keep allowing the probes)
 *
 * Operations (P, A, B are paths; results: "ok" or the errno name, e.g. EACCES, EXDEV):
 *   read P      open(O_RDONLY) + read 1 byte        write P     open(O_WRONLY) + pwrite 1 byte at 0
 *   append P    open(O_WRONLY|O_APPEND) + 1 byte    rdwr P      open(O_RDWR)
 *   otrunc P    open(O_WRONLY|O_TRUNC)              rotrunc P   open(O_RDONLY|O_TRUNC)
 *   truncate P  truncate(P, 0)                      size P      stat (never mediated): "ok <size>"
 *   create P    open(O_WRONLY|O_CREAT|O_EXCL, 0644) mkdir P     mkdir(P, 0755)
 *   mkfifo P    mkfifo(P, 0644)                     symlink T P symlink(T, P)
 *   unlink P    unlink(P)                           rmdir P     rmdir(P)
 *   rename A B  renameat2(A, B, 0)                  xchg A B    renameat2(A, B, RENAME_EXCHANGE)
 *   link A B    linkat(A, B, 0) (no symlink follow) readdir P   open(O_RDONLY|O_DIRECTORY) + getdents64
 *   exec P      fork + execve(P) + wait: "ok" when it ran and exited 0, else the execve errno
 *
 * Output, one line each:
 *   kernel-abi N
 *   handled 0xMASK                    the handled access set
 *   rule ro|rw PATH 0xMASK dir|file   a rule added (rights after the file cut)
 *   skip ro|rw PATH ERRNO             a rule path that failed to open (skipped)
 *   landlock applied|none             whether a ruleset is enforced (none: zero rules)
 *   result N RESULT                   N = 0-based index of the op among the op/rootop lines
 * Rule lines describe the first build (isolated mode rebuilds identical trees, so all builds match).
 * Exit status 0 unless the spec itself is bad or a setup step fails (message on stderr, exit 2).
 */
#ifdef ORACLE_TRUE
/* `gcc -DORACLE_TRUE -static -nostdlib` builds a tiny (a few kB) "true" (exit status 0, nothing else) that the
 * oracle copies for `x` entries when given `truebin`: copying the whole oracle for every executable of
 * every rebuilt tree would write hundreds of kilobytes per probe. */
void _start(void) {
#if defined(__x86_64__)
  __asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
#elif defined(__aarch64__)
  __asm__ volatile("mov x0, #0\n\tmov x8, #93\n\tsvc #0");
#else
#error "no tiny true for this architecture: the harness falls back to copies of the oracle"
#endif
  for (;;) {
  }
}
#else
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/landlock.h>)
#include <linux/landlock.h>
#endif
#endif

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_RULE_PATH_BENEATH
#define LANDLOCK_RULE_PATH_BENEATH 1
#endif
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Own layouts: only the fields every Landlock ABI knows (the kernel accepts the 8-byte ruleset attr),
 * so that neither an old nor a new <linux/landlock.h> changes what is passed. */
struct ll_ruleset_attr {
  uint64_t handled_access_fs;
};
struct ll_path_beneath {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

#define ABI1_RIGHTS ((1ULL << 13) - 1)
#define RO_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

static uint64_t handled_for_abi(int abi) {
  uint64_t h = ABI1_RIGHTS;
  if (abi >= 2) h |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) h |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) h |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return h;
}

static uint64_t file_rights_for_abi(int abi) {
  uint64_t f = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE;
  if (abi >= 3) f |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5) f |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return f;
}

static const char *errname(int e) {
  static char buf[32];
  switch (e) {
  case 0: return "ok";
  case EACCES: return "EACCES";
  case EPERM: return "EPERM";
  case EXDEV: return "EXDEV";
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case ENOTEMPTY: return "ENOTEMPTY";
  case EINVAL: return "EINVAL";
  case EBUSY: return "EBUSY";
  case EROFS: return "EROFS";
  case ELOOP: return "ELOOP";
  case ENOSYS: return "ENOSYS";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case ETXTBSY: return "ETXTBSY";
  case ENOEXEC: return "ENOEXEC";
  case EMLINK: return "EMLINK";
  case EBADF: return "EBADF";
  case ENAMETOOLONG: return "ENAMETOOLONG";
  }
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}

static void die(const char *what, const char *arg) {
  fprintf(stderr, "oracle: %s%s%s: %s\n", what, arg ? " " : "", arg ? arg : "", strerror(errno));
  exit(2);
}

static void bad_spec(int line, const char *msg) {
  fprintf(stderr, "oracle: spec line %d: %s\n", line, msg);
  exit(2);
}

/* ---------- spec ---------- */

#define MAX_TOK 4
struct item {
  char kind[8]; /* d f x l ro rw op rootop */
  char *tok[MAX_TOK];
  int ntok;
};

static struct item *items;
static int nitems, capitems;
static int abi = 2;
static uid_t uid = 1500;
static gid_t gid = 1500;
static char *root;
static int sequential;
static char *truebin; /* executable copied for `x` entries; default: this oracle itself */
static char *self_bin; /* its contents */
static size_t self_len;

static void add_item(struct item it) {
  if (nitems == capitems) {
    capitems = capitems ? capitems * 2 : 256;
    items = realloc(items, capitems * sizeof *items);
    if (!items) die("realloc", NULL);
  }
  items[nitems++] = it;
}

static void read_spec(FILE *in) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int lineno = 0;
  while ((n = getline(&line, &cap, in)) >= 0) {
    lineno++;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0 || line[0] == '#') continue;
    char *save = NULL;
    char *kw = strtok_r(line, " ", &save);
    if (!kw) continue;
    if (!strcmp(kw, "abi")) {
      char *v = strtok_r(NULL, " ", &save);
      if (!v || (abi = atoi(v)) < 1 || abi > 7) bad_spec(lineno, "abi must be 1..7");
    } else if (!strcmp(kw, "uid") || !strcmp(kw, "gid")) {
      char *v = strtok_r(NULL, " ", &save);
      if (!v) bad_spec(lineno, "missing id");
      if (kw[0] == 'u') uid = (uid_t)atoi(v); else gid = (gid_t)atoi(v);
    } else if (!strcmp(kw, "root")) {
      char *v = strtok_r(NULL, " ", &save);
      if (!v || v[0] != '/') bad_spec(lineno, "root must be absolute");
      root = strdup(v);
    } else if (!strcmp(kw, "truebin")) {
      char *v = strtok_r(NULL, " ", &save);
      if (!v) bad_spec(lineno, "missing path");
      truebin = strdup(v);
    } else if (!strcmp(kw, "mode")) {
      char *v = strtok_r(NULL, " ", &save);
      if (!v) bad_spec(lineno, "missing mode");
      if (!strcmp(v, "sequential")) sequential = 1;
      else if (!strcmp(v, "isolated")) sequential = 0;
      else bad_spec(lineno, "mode must be isolated or sequential");
    } else {
      struct item it = {0};
      if (strlen(kw) >= sizeof it.kind) bad_spec(lineno, "unknown directive");
      strcpy(it.kind, kw);
      if (strcmp(kw, "d") && strcmp(kw, "f") && strcmp(kw, "x") && strcmp(kw, "l") && strcmp(kw, "ro") &&
          strcmp(kw, "rw") && strcmp(kw, "op") && strcmp(kw, "rootop"))
        bad_spec(lineno, "unknown directive");
      char *t;
      /* f keeps the rest of the line as its text */
      while (it.ntok < MAX_TOK && (t = strtok_r(NULL, !strcmp(kw, "f") && it.ntok == 1 ? "" : " ", &save)))
        it.tok[it.ntok++] = strdup(t);
      if (it.ntok < 1) bad_spec(lineno, "missing argument");
      add_item(it);
    }
  }
  free(line);
  if (!root) bad_spec(lineno, "no root directive");
}

/* ---------- tree ---------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  if (ftw->level == 0) return 0; /* keep the root itself */
  if (remove(path) != 0) die("remove", path);
  return 0;
}

static void wipe_root(void) {
  if (nftw(root, rm_entry, 32, FTW_DEPTH | FTW_PHYS) != 0) die("nftw", root);
}

static void write_file(const char *path, const char *data, size_t len, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) die("create", path);
  while (len > 0) {
    ssize_t w = write(fd, data, len);
    if (w < 0) die("write", path);
    data += w;
    len -= (size_t)w;
  }
  if (fchmod(fd, mode) != 0) die("fchmod", path);
  close(fd);
}

static void build_tree(void) {
  if (chown(root, uid, gid) != 0 || chmod(root, 0755) != 0) die("chown/chmod", root);
  for (int i = 0; i < nitems; i++) {
    struct item *it = &items[i];
    const char *p = it->tok[0];
    if (!strcmp(it->kind, "d")) {
      if (mkdir(p, 0755) != 0) die("mkdir", p);
      if (chmod(p, 0755) != 0) die("chmod", p);
    } else if (!strcmp(it->kind, "f")) {
      const char *text = it->ntok > 1 ? it->tok[1] : "content";
      write_file(p, text, strlen(text), 0644);
    } else if (!strcmp(it->kind, "x")) {
      write_file(p, self_bin, self_len, 0755);
    } else if (!strcmp(it->kind, "l")) {
      if (it->ntok < 2) {
        fprintf(stderr, "oracle: symlink %s without target\n", p);
        exit(2);
      }
      if (symlink(it->tok[1], p) != 0) die("symlink", p);
    } else {
      continue;
    }
    if (lchown(p, uid, gid) != 0) die("lchown", p);
  }
}

/* ---------- ruleset ---------- */

static int rules_reported;

/* Builds the ruleset as OpenShell does; returns its fd, or -1 when no rule could be added (then
 * OpenShell's best_effort mode applies no Landlock at all). */
static int build_ruleset(void) {
  uint64_t handled = handled_for_abi(abi);
  struct ll_ruleset_attr attr = {.handled_access_fs = handled};
  int rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (rfd < 0) die("landlock_create_ruleset", NULL);
  int added = 0;
  /* read_only entries first, then read_write (landlock.rs:218-238) */
  for (int pass = 0; pass < 2; pass++) {
    const char *want = pass == 0 ? "ro" : "rw";
    for (int i = 0; i < nitems; i++) {
      if (strcmp(items[i].kind, want)) continue;
      const char *p = items[i].tok[0];
      int fd = open(p, O_PATH | O_CLOEXEC);
      if (fd < 0) {
        if (!rules_reported) printf("skip %s %s %s\n", want, p, errname(errno));
        continue;
      }
      struct stat st;
      if (fstat(fd, &st) != 0) die("fstat", p);
      uint64_t rights = pass == 0 ? RO_RIGHTS : handled;
      if (!S_ISDIR(st.st_mode)) rights &= file_rights_for_abi(abi);
      struct ll_path_beneath pb = {.allowed_access = rights, .parent_fd = fd};
      if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0) die("landlock_add_rule", p);
      close(fd);
      added++;
      if (!rules_reported)
        printf("rule %s %s 0x%llx %s\n", want, p, (unsigned long long)rights, S_ISDIR(st.st_mode) ? "dir" : "file");
    }
  }
  if (!rules_reported) printf("landlock %s\n", added ? "applied" : "none");
  rules_reported = 1;
  if (!added) {
    close(rfd);
    return -1;
  }
  return rfd;
}

/* ---------- operations ---------- */

static int need(const struct item *it, int n) {
  if (it->ntok < n + 1) {
    fprintf(stderr, "oracle: op %s needs %d argument(s)\n", it->tok[0], n);
    exit(2);
  }
  return 1;
}

/* Runs one operation in the calling process; returns 0 or an errno. `out` receives extra text. */
static int do_op(const struct item *it, char *out, size_t outlen) {
  const char *name = it->tok[0];
  const char *a = it->ntok > 1 ? it->tok[1] : NULL;
  const char *b = it->ntok > 2 ? it->tok[2] : NULL;
  char byte = 'x';
  int fd;
  out[0] = 0;
#define OPEN_OR_ERR(path, flags) \
  do { \
    fd = open((path), (flags) | O_CLOEXEC, 0644); \
    if (fd < 0) return errno; \
  } while (0)
  if (!strcmp(name, "read") && need(it, 1)) {
    OPEN_OR_ERR(a, O_RDONLY);
    int r = read(fd, &byte, 1) < 0 ? errno : 0;
    close(fd);
    return r;
  }
  if (!strcmp(name, "write") && need(it, 1)) {
    OPEN_OR_ERR(a, O_WRONLY);
    int r = pwrite(fd, &byte, 1, 0) < 0 ? errno : 0;
    close(fd);
    return r;
  }
  if (!strcmp(name, "append") && need(it, 1)) {
    OPEN_OR_ERR(a, O_WRONLY | O_APPEND);
    int r = write(fd, &byte, 1) < 0 ? errno : 0;
    close(fd);
    return r;
  }
  if (!strcmp(name, "rdwr") && need(it, 1)) {
    OPEN_OR_ERR(a, O_RDWR);
    close(fd);
    return 0;
  }
  if (!strcmp(name, "otrunc") && need(it, 1)) {
    OPEN_OR_ERR(a, O_WRONLY | O_TRUNC);
    close(fd);
    return 0;
  }
  if (!strcmp(name, "rotrunc") && need(it, 1)) {
    OPEN_OR_ERR(a, O_RDONLY | O_TRUNC);
    close(fd);
    return 0;
  }
  if (!strcmp(name, "truncate") && need(it, 1)) return truncate(a, 0) ? errno : 0;
  if (!strcmp(name, "size") && need(it, 1)) {
    struct stat st;
    if (stat(a, &st) != 0) return errno;
    snprintf(out, outlen, " %lld", (long long)st.st_size);
    return 0;
  }
  if (!strcmp(name, "create") && need(it, 1)) {
    OPEN_OR_ERR(a, O_WRONLY | O_CREAT | O_EXCL);
    close(fd);
    return 0;
  }
  if (!strcmp(name, "mkdir") && need(it, 1)) return mkdir(a, 0755) ? errno : 0;
  if (!strcmp(name, "mkfifo") && need(it, 1)) return mkfifo(a, 0644) ? errno : 0;
  if (!strcmp(name, "symlink") && need(it, 2)) return symlink(a, b) ? errno : 0;
  if (!strcmp(name, "unlink") && need(it, 1)) return unlink(a) ? errno : 0;
  if (!strcmp(name, "rmdir") && need(it, 1)) return rmdir(a) ? errno : 0;
  if (!strcmp(name, "rename") && need(it, 2))
    return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, 0) ? errno : 0;
  if (!strcmp(name, "xchg") && need(it, 2))
    return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) ? errno : 0;
  if (!strcmp(name, "link") && need(it, 2)) return linkat(AT_FDCWD, a, AT_FDCWD, b, 0) ? errno : 0;
  if (!strcmp(name, "readdir") && need(it, 1)) {
    OPEN_OR_ERR(a, O_RDONLY | O_DIRECTORY);
    char buf[4096];
    int r = syscall(SYS_getdents64, fd, buf, sizeof buf) < 0 ? errno : 0;
    close(fd);
    return r;
  }
  if (!strcmp(name, "exec") && need(it, 1)) {
    /* The execve errno travels back through a close-on-exec pipe: EOF means the exec happened. */
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return errno;
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) {
      char *argv[] = {"true", NULL};
      char *envp[] = {NULL};
      execve(a, argv, envp);
      int e = errno;
      if (write(p[1], &e, sizeof e) < 0) _exit(127);
      _exit(127);
    }
    close(p[1]);
    int e = 0;
    ssize_t n = read(p[0], &e, sizeof e);
    close(p[0]);
    int status;
    if (waitpid(pid, &status, 0) < 0) return errno;
    if (n == (ssize_t)sizeof e) return e;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return ENOEXEC; /* ran but failed: not a Landlock answer */
    return 0;
  }
#undef OPEN_OR_ERR
  fprintf(stderr, "oracle: unknown op %s\n", name);
  exit(2);
}

/* Forks a child that drops to the sandbox identity, restricts itself (if rfd >= 0) and runs the op.
 * The result text comes back through a pipe. */
static void run_sandboxed(int index, const struct item *it, int rfd) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) die("pipe", NULL);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork", NULL);
  if (pid == 0) {
    close(p[0]);
    char msg[128], extra[64];
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(3);
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(4);
    if (rfd >= 0 && syscall(SYS_landlock_restrict_self, rfd, 0) != 0) _exit(5);
    int e = do_op(it, extra, sizeof extra);
    int len = snprintf(msg, sizeof msg, "%s%s", errname(e), e ? "" : extra);
    if (write(p[1], msg, (size_t)len) < 0) _exit(6);
    _exit(0);
  }
  close(p[1]);
  char buf[128];
  ssize_t n, total = 0;
  while ((n = read(p[0], buf + total, sizeof buf - 1 - (size_t)total)) > 0) total += n;
  close(p[0]);
  buf[total] = 0;
  int status;
  if (waitpid(pid, &status, 0) < 0) die("waitpid", NULL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || total == 0) {
    fprintf(stderr, "oracle: sandboxed child failed (status 0x%x) for op %d\n", status, index);
    exit(2);
  }
  printf("result %d %s\n", index, buf);
}

static int kernel_abi(void) {
  return (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
}

static void load_self(void) {
  const char *src = truebin ? truebin : "/proc/self/exe";
  int fd = open(src, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open", src);
  struct stat st;
  if (fstat(fd, &st) != 0) die("fstat", src);
  self_len = (size_t)st.st_size;
  self_bin = malloc(self_len);
  if (!self_bin) die("malloc", NULL);
  size_t got = 0;
  while (got < self_len) {
    ssize_t n = read(fd, self_bin + got, self_len - got);
    if (n <= 0) die("read", src);
    got += (size_t)n;
  }
  close(fd);
}

int main(int argc, char **argv) {
  const char *base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  if (!strcmp(base, "true")) return 0;
  if (argc > 1 && !strcmp(argv[1], "--abi-version")) {
    int v = kernel_abi();
    if (v < 0) {
      printf("%s\n", errname(errno));
      return 1;
    }
    printf("%d\n", v);
    return 0;
  }
  if (argc > 1) {
    fprintf(stderr, "usage: oracle --abi-version | oracle < spec\n");
    return 2;
  }
  if (geteuid() != 0) {
    fprintf(stderr, "oracle: must run as root (builds trees owned by another uid, drops privileges)\n");
    return 2;
  }
  int kabi = kernel_abi();
  if (kabi < 0) die("landlock_create_ruleset(VERSION)", NULL);
  read_spec(stdin);
  if (abi > kabi) {
    fprintf(stderr, "oracle: handled ABI %d above the kernel's %d\n", abi, kabi);
    return 2;
  }
  load_self();
  printf("kernel-abi %d\nhandled 0x%llx\n", kabi, (unsigned long long)handled_for_abi(abi));

  int index = 0;
  if (sequential) {
    wipe_root();
    build_tree();
    int rfd = build_ruleset();
    for (int i = 0; i < nitems; i++) {
      if (!strcmp(items[i].kind, "op")) {
        run_sandboxed(index++, &items[i], rfd);
      } else if (!strcmp(items[i].kind, "rootop")) {
        char extra[64];
        const struct item *it = &items[i];
        int e = do_op(it, extra, sizeof extra);
        /* Entries made from outside belong to the sandbox user too, so that DAC still allows every
         * probe and only Landlock can refuse. */
        const char *made = NULL;
        if (!strcmp(it->tok[0], "create") || !strcmp(it->tok[0], "mkdir") || !strcmp(it->tok[0], "mkfifo"))
          made = it->tok[1];
        else if (!strcmp(it->tok[0], "symlink") && it->ntok > 2)
          made = it->tok[2];
        if (!e && made && lchown(made, uid, gid) != 0) die("lchown", made);
        printf("result %d %s%s\n", index++, errname(e), e ? "" : extra);
      }
    }
    if (rfd >= 0) close(rfd);
  } else {
    int any = 0;
    for (int i = 0; i < nitems; i++) {
      if (strcmp(items[i].kind, "op")) continue;
      any = 1;
      wipe_root();
      build_tree();
      int rfd = build_ruleset();
      run_sandboxed(index++, &items[i], rfd);
      if (rfd >= 0) close(rfd);
    }
    if (!any) { /* still report the rules */
      wipe_root();
      build_tree();
      int rfd = build_ruleset();
      if (rfd >= 0) close(rfd);
    }
  }
  wipe_root();
  fflush(stdout);
  return 0;
}
#endif /* ORACLE_TRUE */
