/* Replays fuzz inputs without libFuzzer, so `meson test` runs every seed and
 * regression input through a target with the ordinary compiler. Arguments
 * are files or folders (every file in them, in name order). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return 0;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size == cap) {
            cap = cap ? 2 * cap : 65536;
            uint8_t *grown = realloc(data, cap);
            if (!grown) {
                fprintf(stderr, "%s: out of memory\n", path);
                exit(1);
            }
            data = grown;
        }
        size_t got = fread(data + size, 1, cap - size, file);
        size += got;
        if (got == 0)
            break;
    }
    int ok = !ferror(file);
    fclose(file);
    if (!ok) {
        perror(path);
        free(data);
        return 0;
    }
    /* An exact-size copy, so a read past the end is caught by sanitizers. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact)
        exit(1);
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 1;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_visible(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

/* Returns the number of inputs run, or -1 when something could not be read. */
static int run_folder(const char *path)
{
    struct dirent **entries;
    int count = scandir(path, &entries, is_visible, by_name);
    if (count < 0) {
        perror(path);
        return -1;
    }
    int ran = 0, failed = 0;
    for (int i = 0; i < count; i++) {
        size_t len = strlen(path) + strlen(entries[i]->d_name) + 2;
        char *child = malloc(len);
        if (!child)
            exit(1);
        snprintf(child, len, "%s/%s", path, entries[i]->d_name);
        struct stat info;
        if (stat(child, &info) == 0 && S_ISREG(info.st_mode)) {
            if (run_file(child))
                ran++;
            else
                failed = 1;
        }
        free(child);
        free(entries[i]);
    }
    free(entries);
    return failed ? -1 : ran;
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    int ran = 0, unreadable = 0;
    for (int i = 1; i < argc; i++) {
        struct stat info;
        int n;
        if (stat(argv[i], &info) == 0 && S_ISDIR(info.st_mode))
            n = run_folder(argv[i]);
        else
            n = run_file(argv[i]) ? 1 : -1;
        if (n < 0)
            unreadable = 1;
        else
            ran += n;
    }
    /* An empty corpus would make the test pass without testing anything. */
    if (ran == 0) {
        fprintf(stderr, "%s: no inputs found\n", argv[0]);
        return 1;
    }
    printf("%d inputs replayed without a crash\n", ran);
    return unreadable ? 1 : 0;
}
