package parquet_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/gask-dev/gask/dataframe"
	"github.com/gask-dev/gask/dataframe/parquet"
)

// TestCorruptArrowSchema overwrites each word of the Arrow schema a Parquet file
// carries (ARROW:schema) with a huge count: Arrow Go would allocate that many fields
// and die of it. Read must return an error naming the file, or read the file.
func TestCorruptArrowSchema(t *testing.T) {
	dir := t.TempDir()
	paths, err := parquet.Write(context.Background(), dataframe.FromRecords(sales(), 1), filepath.Join(dir, "seed-*.parquet"), "snappy")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	pf, err := file.OpenParquetFile(paths[0], false)
	if err != nil {
		t.Fatal(err)
	}
	enc := pf.MetaData().KeyValueMetadata().FindValue("ARROW:schema")
	pf.Close()
	if enc == nil {
		t.Fatal("the writer stored no ARROW:schema")
	}
	at := bytes.Index(raw, []byte(*enc))
	msg, err := base64.StdEncoding.DecodeString(*enc)
	if at < 0 || err != nil {
		t.Fatalf("schema at %d: %v", at, err)
	}
	for p := 8; p+4 <= len(msg); p += 4 {
		mut := bytes.Clone(msg)
		binary.LittleEndian.PutUint32(mut[p:], 0x7fffffff)
		body := bytes.Clone(raw)
		copy(body[at:], base64.StdEncoding.EncodeToString(mut))
		path := filepath.Join(dir, "bad.parquet")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := parquet.Read(path).Err(); err != nil && !strings.Contains(err.Error(), "bad.parquet") {
			t.Fatalf("word %d: error does not name the file: %v", p/4, err)
		}
	}
}
