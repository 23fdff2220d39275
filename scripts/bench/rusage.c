// Runs a command and writes its peak RSS, from its own getrusage (wait4), to a file:
//   rusage OUT.json COMMAND [ARGS...]   ->   OUT.json: {"max_rss_kb": N, "status": S}
// Exits with the command's exit status (128 + signal when killed). Needed because a
// child forked from a big process (Python) inherits that process's RSS high-water mark
// on Linux: forking from this small program keeps the measurement to the command.
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rusage OUT.json COMMAND [ARGS...]\n");
    return 127;
  }
  signal(SIGTERM, forward);
  signal(SIGINT, forward);
  child = fork();
  if (child < 0) return perror("fork"), 127;
  if (child == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(child, &status, 0, &ru) < 0) return perror("wait4"), 127;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = fopen(argv[1], "w");
  if (f) {
    fprintf(f, "{\"max_rss_kb\": %ld, \"status\": %d}\n", ru.ru_maxrss, code);
    fclose(f);
  }
  return code;
}
