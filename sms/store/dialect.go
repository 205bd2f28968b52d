package store

import (
	"context"
	"database/sql/driver"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/stdlib"
)

// The store's SQL is written once, in what both engines accept: ?
// placeholders, ON CONFLICT, RETURNING, count(*) FILTER, IS DISTINCT
// FROM, CROSS JOIN with its condition in WHERE (PostgreSQL's CROSS JOIN
// takes no ON; SQLite keeps the written join order either way).
// PostgreSQL's schema adds instr, which SQLite has built in. The few
// fragments that cannot be shared are the dialect's.
type dialect struct {
	pg bool
	// intList and textList select the values of the JSON array bound at
	// their "?": local ids, owner tokens. One JSON argument either way,
	// so the callers bind the same value on both engines.
	intList, textList string
	// intKey is a scratch table's integer key: SQLite's INTEGER PRIMARY
	// KEY is the row itself, PostgreSQL's integer is 32 bits.
	intKey string
}

var (
	sqliteDialect = dialect{
		intList:  `SELECT value FROM json_each(?)`,
		textList: `SELECT value FROM json_each(?)`,
		intKey:   `INTEGER PRIMARY KEY`,
	}
	pgDialect = dialect{
		pg:       true,
		intList:  `SELECT json_array_elements_text(?::json)::bigint`,
		textList: `SELECT json_array_elements_text(?::json)`,
		intKey:   `BIGINT PRIMARY KEY`,
	}
)

// unindexed is expr kept off its index, where SQLite, which has no
// statistics, would pick the wrong one: SQLite's unary +. PostgreSQL's
// planner needs no such hint, and has no + for text.
func (d dialect) unindexed(expr string) string {
	if d.pg {
		return expr
	}
	return "+" + expr
}

// Advisory lock keys of PostgreSQL (one database's, as all advisory
// locks): writeLock serialises the write transactions of every Store on
// the database (changes.go), and is also what migrations take; owner
// locks are the pair (ownerLockClass, ownerKey(token)), which the
// single-key locks never meet.
const (
	writeLock      = 0x736d7364617368 // "smsdash"
	ownerLockClass = 0x736d73         // "sms"
)

// rebindConnector makes a PostgreSQL connection read the store's ?
// placeholders: each statement text is rewritten ($1, $2 …) on its way
// to pgx, so the store's code is the same on both engines.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(*stdlib.Conn)}, nil
}

// rebindConn is pgx's connection with its statements rewritten; every
// other method (transactions, pings, resets, argument checks) is pgx's.
type rebindConn struct{ *stdlib.Conn }

func (c rebindConn) Prepare(q string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(q))
}

func (c rebindConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(q))
}

func (c rebindConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(q), args)
}

func (c rebindConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(q), args)
}

// rebound caches the rewritten texts: the store asks the same few shapes
// over and over. Texts with numbers written in (insertPending's) are
// many, so the cache stops growing at maxRebound and the rest are
// rewritten each time (a pass over the text).
var rebound struct {
	sync.Mutex
	m map[string]string
}

const maxRebound = 512

// rebind numbers the ? placeholders of q outside quotes and comments.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	rebound.Lock()
	r, ok := rebound.m[q]
	rebound.Unlock()
	if ok {
		return r
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		switch c := q[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(q[i+1:], c)
			if end < 0 {
				end = len(q) - i - 2
			}
			b.WriteString(q[i : i+end+2])
			i += end + 1
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				end = len(q) - i - 1
			}
			b.WriteString(q[i : i+end+1])
			i += end
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	r = b.String()
	rebound.Lock()
	if rebound.m == nil {
		rebound.m = map[string]string{}
	}
	if len(rebound.m) < maxRebound {
		rebound.m[q] = r
	}
	rebound.Unlock()
	return r
}
