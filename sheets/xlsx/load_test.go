package xlsx

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadAllSizedReadsWhateverIsThere: the size is a hint taken when the file was opened;
// a file that grew or shrank since is read whole all the same.
func TestReadAllSizedReadsWhateverIsThere(t *testing.T) {
	data := bytes.Repeat([]byte("PK\x03\x04 workbook "), 5000)
	cases := []struct {
		name string
		hint int64
	}{
		{"the size as opened", int64(len(data))},
		{"the file grew since", int64(len(data)) / 3},
		{"the file shrank since", int64(len(data)) * 2},
		{"no hint", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// One byte a read, so every boundary of the buffer is crossed.
			got, err := readAllSized(iotest.OneByteReader(bytes.NewReader(data)), c.hint)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes, %v; want the %d bytes", len(got), err, len(data))
			}
		})
	}
	t.Run("an empty file", func(t *testing.T) {
		if got, err := readAllSized(bytes.NewReader(nil), 0); err != nil || len(got) != 0 {
			t.Fatalf("read %q, %v", got, err)
		}
	})
	t.Run("a failed read is an error", func(t *testing.T) {
		boom := errors.New("disk gone")
		if _, err := readAllSized(io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)), 100); !errors.Is(err, boom) {
			t.Fatalf("error %v, want %v", err, boom)
		}
	})
}

// TestReadAllSizedAllocatesOnce: with the right size there is one buffer, not the dozen
// io.ReadAll grows through for a workbook of a few megabytes.
func TestReadAllSizedAllocatesOnce(t *testing.T) {
	data := make([]byte, 4<<20)
	r := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(data)
		if _, err := readAllSized(r, int64(len(data))); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 1 {
		t.Fatalf("%v allocations, want 1", allocs)
	}
}
