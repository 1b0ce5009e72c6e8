package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// The credential cache: one JSON file per login target in
// {os.UserCacheDir}/astran, a real directory of mode 0700 owned by the
// user, opened as an [os.Root] so that nothing is read or written through a
// link that leads out of it. Each file has mode 0600 and sits next to a
// lock file that serialises the logins of concurrent "astran credentials".

// cacheReuseWindow: cached credentials are reused until this long before
// they expire by the server's clock.
const cacheReuseWindow = 5 * time.Minute

// maxCacheFileBytes bounds what is read from a cache file.
const maxCacheFileBytes = 1 << 20

// errNoCacheDir reports that the user has no cache directory (no $HOME);
// commands then work without a cache.
var errNoCacheDir = errors.New("no cache directory")

// cacheDirError reports a cache directory that is unsafe to use.
type cacheDirError struct {
	Dir    string
	Reason string
}

func (e *cacheDirError) Error() string {
	return fmt.Sprintf("credential cache directory %s %s: refusing to use it (remove it and retry)", e.Dir, e.Reason)
}

// credentialCache is an opened cache directory.
type credentialCache struct {
	dir  string
	root *os.Root
}

// cachePath returns the cache directory's path.
func (e *env) cachePath() (string, error) {
	base, err := e.cacheDir()
	if err != nil || base == "" {
		return "", fmt.Errorf("%w: %v", errNoCacheDir, err)
	}
	return filepath.Join(base, "astran"), nil
}

// openCache opens the cache directory, creating it when create is set. It
// returns nil and no error when the directory does not exist and create is
// not set, errNoCacheDir when the user has none, and a *cacheDirError when
// it is not a real directory owned by the user.
func (e *env) openCache(create bool) (*credentialCache, error) {
	dir, err := e.cachePath()
	if err != nil {
		return nil, err
	}
	if create {
		if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
			return nil, fmt.Errorf("credential cache: %w", err)
		}
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("credential cache: %w", err)
		}
	}
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) && !create {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credential cache: %w", err)
	}
	if err := checkCacheDir(dir, fi); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("credential cache: %w", err)
	}
	// The directory opened must be the one checked, not a link swapped in
	// between.
	rfi, err := root.Stat(".")
	if err == nil && !os.SameFile(fi, rfi) {
		err = &cacheDirError{Dir: dir, Reason: "changed while being opened"}
	}
	if err == nil && rfi.Mode().Perm() != 0o700 {
		err = root.Chmod(".", 0o700)
	}
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("credential cache: %w", err)
	}
	return &credentialCache{dir: dir, root: root}, nil
}

// checkCacheDir refuses a cache directory that is a link, not a directory,
// or not owned by the user.
func checkCacheDir(dir string, fi fs.FileInfo) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &cacheDirError{Dir: dir, Reason: "is a symbolic link"}
	case !fi.IsDir():
		return &cacheDirError{Dir: dir, Reason: "is not a directory"}
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Getuid() {
		return &cacheDirError{Dir: dir, Reason: fmt.Sprintf("is owned by user ID %d, not by you (%d)", uid, os.Getuid())}
	}
	return nil
}

func (c *credentialCache) Close() error { return c.root.Close() }

// cacheFileName returns the name of the cache file of t.
func cacheFileName(t target) string {
	kind := "user"
	if t.Root {
		kind = "root"
	}
	name := url.PathEscape(t.Partition) + "_" + kind + "_" + url.PathEscape(t.Username)
	if t.RoleARN != "" {
		sum := sha256.Sum256([]byte(t.RoleARN))
		name += "_role-" + hex.EncodeToString(sum[:6])
	}
	return name + ".json"
}

// read returns the cached credentials of t, or nil when there are none
// usable at local time now: missing, unreadable, for another target,
// readable by others, or expiring within cacheReuseWindow by the server's
// clock.
func (c *credentialCache) read(t target, now time.Time) *loginRecord {
	name := cacheFileName(t)
	fi, err := c.root.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 != 0 || fi.Size() > maxCacheFileBytes {
		return nil
	}
	data, err := c.root.ReadFile(name)
	if err != nil {
		return nil
	}
	var rec loginRecord
	if err := json.Unmarshal(data, &rec); err != nil || rec.target != t || rec.Credentials.AccessKeyID == "" {
		return nil
	}
	if !rec.validAt(now, cacheReuseWindow) {
		return nil
	}
	return &rec
}

// write stores rec atomically with mode 0600.
func (c *credentialCache) write(rec *loginRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	tmp := ".tmp-" + rand.Text()
	f, err := c.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	defer c.root.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := f.Chmod(0o600); err != nil { // whatever the umask
		f.Close()
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	if err := c.root.Rename(tmp, cacheFileName(rec.target)); err != nil {
		return fmt.Errorf("caching credentials: %w", err)
	}
	return nil
}

// remove deletes the cache file of t; it reports whether there was one.
func (c *credentialCache) remove(t target) (bool, error) {
	err := c.root.Remove(cacheFileName(t))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// removeAll deletes every cache file and reports how many there were.
func (c *credentialCache) removeAll() (int, error) {
	entries, err := fs.ReadDir(c.root.FS(), ".")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ent := range entries {
		if ent.Type().IsRegular() && filepath.Ext(ent.Name()) == ".json" {
			if err := c.root.Remove(ent.Name()); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// lock takes the lock file of t, waiting for another process that holds
// it, and returns the function that releases it.
func (c *credentialCache) lock(ctx context.Context, t target) (unlock func(), err error) {
	name := cacheFileName(t) + ".lock"
	f, err := c.root.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("credential cache: lock: %w", err)
	}
	if err := lockFile(ctx, f); err != nil {
		f.Close()
		return nil, fmt.Errorf("credential cache: lock %s: %w", filepath.Join(c.dir, name), err)
	}
	return func() { f.Close() }, nil // closing releases the lock
}
