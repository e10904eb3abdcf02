// Command ferretdb-embedded runs FerretDB 1.24 (MongoDB wire protocol on PostgreSQL or SQLite) for
// the local stack and the tests. It prints one line "MONGODB_URI=<uri>" once it accepts
// connections, so a launcher can read the real address when it asked for port 0.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0 picks a free port)")
	dataDir := flag.String("data", "", "directory for the SQLite files; empty keeps everything in memory")
	postgresURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("bad --log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	sqliteURL := "file:./?mode=memory"
	if *dataDir != "" {
		abs, err := filepath.Abs(*dataDir)
		if err != nil {
			fail("bad --data %q: %v", *dataDir, err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			fail("cannot create data directory %s: %v", abs, err)
		}
		sqliteURL = "file:" + abs + "/"
	}

	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
		Logger:    logger,
	}
	if *postgresURL != "" {
		config.Handler = "postgresql"
		config.PostgreSQLURL = *postgresURL
		config.SQLiteURL = ""
	}
	f, err := ferretdb.New(config)
	if err != nil {
		fail("cannot configure FerretDB: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// MongoDBURI is only meaningful once the listener is bound; wait until a TCP dial succeeds.
	uri := f.MongoDBURI()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-done:
			fail("FerretDB stopped during start-up: %v", err)
		default:
		}
		uri = f.MongoDBURI()
		if host := hostOf(uri); host != "" {
			if conn, err := net.DialTimeout("tcp", host, 200*time.Millisecond); err == nil {
				conn.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			fail("FerretDB did not accept connections within 30s (listen %s)", *listen)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("MONGODB_URI=%s\n", uri)

	if err := <-done; err != nil && ctx.Err() == nil {
		fail("FerretDB stopped: %v", err)
	}
}

// hostOf extracts host:port from a mongodb:// URI without pulling in a URI parser.
func hostOf(uri string) string {
	const prefix = "mongodb://"
	if len(uri) <= len(prefix) || uri[:len(prefix)] != prefix {
		return ""
	}
	rest := uri[len(prefix):]
	for i, c := range rest {
		if c == '/' || c == '?' {
			return rest[:i]
		}
	}
	return rest
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
