package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"time"

	"github.com/gofrs/flock"
)

// A world keeps an account (its balance, its accepted messages with their
// due times, and the id counter they imply) in a file, so that it outlasts
// the process and is shared by every simulator opened on the file: DEMO's
// dashboard and each command line run at once.
//
// The file is a log: a magic header, then fixed-size entries, each with a
// checksum, only ever appended; the first entry opens the account with
// its balance. Every simulator keeps the whole account in memory: before
// it answers, it reads what others appended since (under a shared lock on
// path.lock); to change the account it takes the exclusive lock, reads
// the rest, then appends its entries in one write. Statuses follow from
// the stored due times and the clock, so a later process answers what an
// earlier one would have. A process killed in the middle of an append
// leaves at most a torn last entry, which the checksums find: readers stop
// before it and the next writer cuts it off. A power loss may lose the
// last entries (there is no fsync), never mix them up.
type world struct {
	path string
	f    *os.File
	lock *flock.Flock
	off  int64 // bytes of the file read into the account so far
}

// worldMagic starts every world file; a new layout takes a new magic.
const worldMagic = "smsdsim1"

// maxWorld bounds a world file (some 6.7 million messages): the whole
// account is held in memory.
const maxWorld = 256 << 20

// lockWait bounds the wait for another process's lock: one holds it only
// for a short append.
const lockWait = 10 * time.Second

// entry kinds
const (
	entryOpen    byte = 1 + iota // amount: the starting balance
	entryMessage                 // an accepted message; amount: its cost
	entryCharge                  // a charge without a message of this side (SMPP); amount: its cost
	entryBlock                   // a block of ids reserved (NumberBlock)
)

// entryLen is the size of an entry: kind, 3 bytes reserved, parts u16,
// sender u16, validity u32, due i64, phone u64, amount f64, then the
// CRC-32 of the 36 bytes before it; little-endian.
const entryLen = 40

type entry struct {
	kind   byte
	rec    record
	amount float64
}

func appendEntry(b []byte, e entry) []byte {
	start := len(b)
	b = append(b, e.kind, 0, 0, 0)
	b = binary.LittleEndian.AppendUint16(b, e.rec.parts)
	b = binary.LittleEndian.AppendUint16(b, e.rec.sender)
	b = binary.LittleEndian.AppendUint32(b, e.rec.validity)
	b = binary.LittleEndian.AppendUint64(b, uint64(e.rec.due))
	b = binary.LittleEndian.AppendUint64(b, e.rec.phone)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.amount))
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// decodeEntry reads one entry; false for a torn or foreign one.
func decodeEntry(b []byte) (entry, bool) {
	if len(b) < entryLen || crc32.ChecksumIEEE(b[:36]) != binary.LittleEndian.Uint32(b[36:]) {
		return entry{}, false
	}
	e := entry{kind: b[0], amount: math.Float64frombits(binary.LittleEndian.Uint64(b[28:]))}
	e.rec = record{
		parts:    binary.LittleEndian.Uint16(b[4:]),
		sender:   binary.LittleEndian.Uint16(b[6:]),
		validity: binary.LittleEndian.Uint32(b[8:]),
		due:      int64(binary.LittleEndian.Uint64(b[12:])),
		phone:    binary.LittleEndian.Uint64(b[20:]),
	}
	if e.kind < entryOpen || e.kind > entryBlock || math.IsNaN(e.amount) || math.IsInf(e.amount, 0) || e.amount < 0 {
		return entry{}, false
	}
	return e, true
}

// openWorld opens the world file at path, creating it (0600) with an
// account of balance when it does not exist yet. The account is read by
// the first view or update.
func openWorld(path string, balance float64) (*world, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("simulator world: %w", err)
	}
	w := &world{path: path, f: f, lock: flock.New(path+".lock", flock.SetPermissions(0o600))}
	err = w.locked(true, func() error {
		size, err := w.size()
		if err != nil {
			return err
		}
		head := make([]byte, len(worldMagic)+entryLen)
		n, _ := w.f.ReadAt(head, 0)
		switch {
		case n >= len(worldMagic) && string(head[:len(worldMagic)]) != worldMagic:
			return fmt.Errorf("%s is not a simulator world file (its first bytes are not %q)", path, worldMagic)
		case size >= int64(len(head)):
			if e, ok := decodeEntry(head[len(worldMagic):]); ok && e.kind == entryOpen {
				return nil
			}
		}
		// New, or its creation was cut short: nothing can follow a torn
		// first entry, so the account starts here.
		b := appendEntry([]byte(worldMagic), entry{kind: entryOpen, amount: balance})
		if err := w.f.Truncate(0); err != nil {
			return err
		}
		_, err = w.f.WriteAt(b, 0)
		return err
	})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("simulator world: %w", err)
	}
	w.off = int64(len(worldMagic))
	return w, nil
}

func (w *world) size() (int64, error) {
	fi, err := w.f.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// locked runs fn holding the file lock, exclusive or shared.
func (w *world) locked(exclusive bool, fn func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	try := w.lock.TryRLockContext
	if exclusive {
		try = w.lock.TryLockContext
	}
	ok, err := try(ctx, 5*time.Millisecond)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("locking %s: another simulator has held it for %v", w.lock.Path(), lockWait)
	case err != nil || !ok:
		return fmt.Errorf("locking %s: %v", w.lock.Path(), err)
	}
	defer w.lock.Unlock()
	return fn()
}

// catchUp applies the entries appended since the last call, in order, and
// reports whether a torn entry ends the file. The caller holds the lock.
func (w *world) catchUp(apply func(e entry)) (torn bool, err error) {
	size, err := w.size()
	switch {
	case err != nil:
		return false, err
	case size > maxWorld:
		return false, fmt.Errorf("%s is over %d MiB", w.path, maxWorld>>20)
	case size < w.off:
		return false, fmt.Errorf("%s shrank under a running simulator", w.path)
	}
	buf := make([]byte, size-w.off)
	if _, err := io.ReadFull(io.NewSectionReader(w.f, w.off, int64(len(buf))), buf); err != nil {
		return false, err
	}
	for len(buf) > 0 {
		e, ok := decodeEntry(buf)
		if !ok {
			return true, nil
		}
		apply(e)
		buf, w.off = buf[entryLen:], w.off+entryLen
	}
	return false, nil
}

// add appends entries, cutting off a torn tail first; on failure the file
// is as it was. The caller holds the exclusive lock and has caught up.
func (w *world) add(entries []byte, torn bool) error {
	if torn {
		if err := w.f.Truncate(w.off); err != nil {
			return err
		}
	}
	if w.off+int64(len(entries)) > maxWorld {
		return fmt.Errorf("%s would grow over %d MiB", w.path, maxWorld>>20)
	}
	if _, err := w.f.WriteAt(entries, w.off); err != nil {
		return errors.Join(err, w.f.Truncate(w.off))
	}
	w.off += int64(len(entries))
	return nil
}

func (w *world) close() error { return w.f.Close() }

// Open makes a simulated account like New whose balance and messages live
// in the world file at path (see world), created with o's balance when
// new and shared with every simulator opened on it, in this process or
// another. o's other options (login, senders, the clock, faults) are this
// simulator's own. Close closes the file.
func Open(path string, o Options) (*Server, error) {
	s := New(o)
	w, err := openWorld(path, s.o.Balance)
	if err != nil {
		return nil, err
	}
	s.world = w
	if err := s.view(func() {}); err != nil {
		w.close()
		return nil, err
	}
	return s, nil
}

// Close closes the world file of an account made by Open; an account in
// memory has nothing to close.
func (s *Server) Close() error {
	if s.world == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.world.close()
}

// NumberBlock reserves the next block of a numbering of the caller's own
// and gives its index: 0, 1, 2… over every simulator on the world. DEMO
// gives the SMSC of each process a block of message ids of its own.
func (s *Server) NumberBlock() (int64, error) {
	var k int64
	err := s.update(func(t *txn) {
		k = s.blocks
		t.do(entry{kind: entryBlock})
	})
	return k, err
}

// view runs fn on the account as it stands, after reading what other
// simulators on the world appended. Should the world fail, fn still runs,
// on the account as last read, and the error is returned.
func (s *Server) view(fn func()) error {
	if s.world == nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		fn()
		return nil
	}
	s.mu.Lock() // catching up writes the account
	defer s.mu.Unlock()
	err := s.world.locked(false, func() error {
		_, err := s.world.catchUp(s.apply)
		return err
	})
	fn()
	return err
}

// update runs fn to change the account through t.do, after reading what
// other simulators appended, and appends the changes to the world; should
// that fail, the account is as it was and the error is returned.
func (s *Server) update(fn func(t *txn)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := txn{s: s}
	if s.world == nil {
		fn(&t)
		return nil
	}
	return s.world.locked(true, func() error {
		torn, err := s.world.catchUp(s.apply)
		if err != nil {
			return err
		}
		balance, n, blocks := s.balance, s.recs.n, s.blocks
		fn(&t)
		if len(t.log) == 0 {
			return nil
		}
		if err := s.world.add(t.log, torn); err != nil {
			s.balance, s.recs.n, s.blocks = balance, n, blocks
			return err
		}
		return nil
	})
}

// txn is a change of the account under way (update).
type txn struct {
	s   *Server
	log []byte // the entries for the world
}

// do makes the change e, in memory and, with a world, in its log.
func (t *txn) do(e entry) {
	t.s.apply(e)
	if t.s.world != nil {
		t.log = appendEntry(t.log, e)
	}
}

// apply is what an entry does to the account: one rule for the changes
// made here and those read from the world.
func (s *Server) apply(e entry) {
	switch e.kind {
	case entryOpen:
		s.balance = e.amount
	case entryMessage:
		s.balance -= e.amount
		s.recs.add(e.rec)
	case entryCharge:
		s.balance -= e.amount
	case entryBlock:
		s.blocks++
	}
}
