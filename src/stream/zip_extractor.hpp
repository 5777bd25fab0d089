#pragma once
// Unpacks a zip payload into a directory (docs/streaming-protocol.md 2.3), keeping what the
// reference keeps (modes, mtimes, symlinks, empty directories, existing directories untouched,
// a leftover FIFO removed and its entry skipped) and refusing what it lets through:
//   * names with `..` components or a leading `/`;
//   * any path through a symlink: every component is opened with O_NOFOLLOW relative to its
//     parent's fd, so nothing is ever written outside the target, even when an earlier entry
//     created a symlink (the reference writes through such links);
//   * special files (devices, FIFOs, sockets) and encrypted entries;
//   * archives over the size and entry-count limits (actual bytes are counted, so a lying
//     header does not help a zip bomb).
// Differences on purpose: an entry without Unix attributes gets 0644 (file) or 0755 (directory)
// instead of the reference's 000; set-user-ID and set-group-ID bits are dropped (a worker running
// as root must not create setuid files from a remote archive); directory modes and times are
// applied after all entries, so a read-only directory can still receive its files.
#include <cstdint>
#include <string>

namespace ansible_runner::stream {

struct UnzipLimits {
  uint64_t max_total_bytes = uint64_t{64} << 30; // sum of unpacked file sizes
  uint64_t max_entries = 1'000'000;
};

struct UnzipStats {
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

// Extracts the zip archive in zip_fd (read from offset 0) into target_dir, which must exist.
// Throws StreamError describing the first bad entry; entries before it stay extracted.
UnzipStats extract_zip(int zip_fd, const std::string& target_dir, const UnzipLimits& limits = {});

} // namespace ansible_runner::stream
