package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// listingBody is a v2 fetchInstances answer of n instances, each a copy of
// the first row of testdata/fetch_v2.json (a full Evolution row, Setting
// included) under its own name.
func listingBody(tb testing.TB, n int) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fetch_v2.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		tb.Fatal(err)
	}
	out := make([]map[string]any, n)
	for i := range out {
		row := map[string]any{}
		for k, v := range rows[0] {
			row[k] = v
		}
		row["name"] = fmt.Sprintf("fleet-%04d", i)
		row["id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		out[i] = row
	}
	b, err := json.Marshal(out)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeListing1000 is the decode FetchInstances does for a
// 1,000-instance fleet (about 1 MB), without the network.
func BenchmarkDecodeListing1000(b *testing.B) {
	body := listingBody(b, 1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var wire wireInstanceList
		if err := decodeJSON(body, &wire); err != nil {
			b.Fatal(err)
		}
		if list := wire.instances(); len(list) != 1000 {
			b.Fatalf("decoded %d instances", len(list))
		}
	}
}

// listingServer answers every request with body, with a Content-Length as
// Evolution (express's res.json) sends.
func listingServer(b *testing.B, body []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkFetchInstances1000 is the whole client path for the listing of a
// 1,000-instance fleet over loopback HTTP.
func BenchmarkFetchInstances1000(b *testing.B) {
	body := listingBody(b, 1000)
	srv := listingServer(b, body)
	c, err := New(Config{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		list, err := c.FetchInstances(ctx)
		if err != nil || len(list) != 1000 {
			b.Fatalf("fetched %d instances: %v", len(list), err)
		}
	}
}

// BenchmarkLookupInstance1000 is a refresh of 1,000 instances as the
// provider does it: one shared listing, then a lookup per instance. Each
// iteration starts from a new client, as each terraform walk does.
func BenchmarkLookupInstance1000(b *testing.B) {
	body := listingBody(b, 1000)
	srv := listingServer(b, body)
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("fleet-%04d", i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, err := New(Config{BaseURL: srv.URL, APIKey: "k"})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range names {
			if _, err := c.LookupInstance(ctx, n); err != nil {
				b.Fatal(err)
			}
		}
	}
}
