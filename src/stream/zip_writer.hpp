#pragma once
// Builds the zip payload of a directory the way the reference's stream_dir() does
// (docs/streaming-protocol.md 2.2), so a Python peer unpacks it with the same names, modes, symlinks
// and timestamps:
//   * top-down walk; per directory its non-directory names, then its directory names (a symlink
//     to a directory counts as a directory name), each in the order the OS lists them;
//   * regular files deflated (stored when they do not compress: zip_writer_format.hpp), mode
//     bits in the external attributes (st_mode << 16), mtime as a local-time DOS timestamp
//     clamped to 1980..2107;
//   * directories as stored `name/` entries ((st_mode << 16) | 0x10), so empty ones survive;
//   * symlinks never followed: stored entries whose content is the target, mode 0120777, time
//     1980-01-01 00:00, named `./name` at the top level (the reference's quirk);
//   * FIFOs skipped (a leftover ssh_key_data would hang a reader); sockets and devices too.
// The archive is built in an unlinked temp file, because the payload line needs its size first.
#include <string>
#include <vector>

#include "util/fd.hpp"

namespace ansible_runner::stream {

// A file that is not on disk but must be in the archive (transmit's generated env files).
struct ZipExtraFile {
  std::string relative_path; // e.g. "env/extravars"
  std::string content;
  unsigned mode = 0600;
};

// Zips `root` (may be empty: no walk) plus `extras`; an extra replaces a walked file of the same
// path. Returns the archive as an unlinked temp file. Throws Error naming the file that
// could not be read.
util::UniqueFd build_zip(const std::string& root, const std::vector<ZipExtraFile>& extras = {});

// The DOS-representable time the reference writes for `t` (local time, clamped to 1980..2107).
long long clamp_to_dos_range(long long t);

} // namespace ansible_runner::stream
