# Shared by scripts/kernel-deb and scripts/firmware-deb: download Debian
# packages into a cache outside the clone, through a private apt
# configuration per architecture and suite (no root, no change to the
# system's apt), and verify them against the SHA256 of apt's signed index.
#
# Cache: $WISP_DOWNLOADS, else ${XDG_CACHE_HOME:-~/.cache}/wisp-downloads.

cache=${WISP_DOWNLOADS:-${XDG_CACHE_HOME:-$HOME/.cache}/wisp-downloads}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# apt_setup ARCH SUITE: fills the array apt_opts with a private apt
# configuration and refreshes its index when older than a day.
apt_setup() {
	local arch=$1 suite=$2 state="$cache/apt/$1-$2"
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	cat > "$state/sources.list" <<SOURCES
deb [signed-by=$keyring] http://deb.debian.org/debian $suite main non-free-firmware
deb [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main non-free-firmware
SOURCES
	apt_opts=(
		-o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
		-o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
		-o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Status=/dev/null" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=$(id -un)"
	)
	if [ -z "$(find "$state/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
		echo "$(basename "$0"): updating the $arch $suite package index" >&2
		# A mirror in mid-sync may fail one index (seen with trixie-security);
		# go on with what did arrive, and fail only if nothing did.
		apt-get "${apt_opts[@]}" -q update >&2 || echo "$(basename "$0"): some indexes failed; using the others" >&2
	fi
	[ -n "$(find "$state/lists" -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)" ]
}

# verified FILE SHA: whether FILE exists and has that SHA256.
verified() { [ -f "$1" ] && echo "$2  $1" | sha256sum --check --quiet --status; }

# fetch PACKAGE: prints the path of the verified .deb (apt_setup first).
fetch() {
	local pkg=$1 info file sha deb
	info=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" 2>/dev/null) || die "apt knows no package $pkg"
	file=$(awk '/^Filename:/ {print $2; exit}' <<<"$info")
	sha=$(awk '/^SHA256:/ {print $2; exit}' <<<"$info")
	[ -n "$file" ] && [ -n "$sha" ] || die "apt has no file or SHA256 for $pkg"
	deb="$cache/$(basename "$file")"
	if ! verified "$deb" "$sha"; then
		rm -f "$deb"
		echo "$(basename "$0"): downloading $pkg" >&2
		(cd "$cache" && apt-get "${apt_opts[@]}" -q download "$pkg" >&2) || die "apt-get download $pkg failed"
		verified "$deb" "$sha" || { rm -f "$deb"; die "$deb does not match the SHA256 of apt's index ($sha)"; }
	fi
	echo "$sha" > "$deb.sha256"
	echo "$deb"
}

# cached GLOB: prints a verified cached download matching GLOB (offline use).
cached() {
	local sum deb
	for sum in "$cache"/$1.sha256; do
		[ -f "$sum" ] || continue
		deb=${sum%.sha256}
		if verified "$deb" "$(cat "$sum")"; then echo "$deb"; return 0; fi
	done
	return 1
}
