package chunks

import "sync"

// Ahead encodes n items in pieces of Per items, [lo, hi), on goroutines of their own, at
// most Depth pieces ahead of the consumer, which takes each piece's bytes in order: for
// output whose consumer is sequential (a hash, a compressed stream) but whose encoding is
// not. The pieces' buffers are kept between runs, so that one Ahead used for every tab
// of a write grows its buffers once (a few megabytes), not once a tab.
type Ahead struct {
	Per, Depth int
	buffers    sync.Pool // *[]byte
}

// Run encodes the n items: encode appends to buf, a buffer take is done with, and returns
// it. It returns the first error of encode or take in the pieces' order, after which no
// piece is taken and no more are started. Run may be called by one goroutine at a time.
func (a *Ahead) Run(n int, encode func(buf []byte, lo, hi int) ([]byte, error), take func([]byte) error) error {
	per, depth := max(a.Per, 1), max(a.Depth, 1)
	if n <= per {
		buf := a.buffer()
		b, err := encode(buf, 0, n)
		if err == nil {
			err = take(b)
		}
		a.keep(b)
		return err
	}
	type piece struct {
		buf []byte
		err error
	}
	free := make(chan []byte, depth)
	for range depth {
		free <- a.buffer()
	}
	pieces := make(chan chan piece, depth) // in order
	stop := make(chan struct{})
	go func() {
		defer close(pieces)
		for lo := 0; lo < n; lo += per {
			var buf []byte
			select {
			case buf = <-free:
			case <-stop:
				return
			}
			done := make(chan piece, 1)
			pieces <- done // never blocks: there are fewer pieces out than buffers
			go func(lo, hi int) {
				b, err := encode(buf[:0], lo, hi)
				done <- piece{b, err}
			}(lo, min(lo+per, n))
		}
	}()
	var err error
	for done := range pieces {
		p := <-done
		if err == nil {
			if err = p.err; err == nil {
				err = take(p.buf)
			}
			if err != nil {
				close(stop)
			}
		}
		free <- p.buf
	}
	for range depth {
		a.keep(<-free)
	}
	return err
}

// buffer is an empty buffer, one kept from an earlier piece when there is one.
func (a *Ahead) buffer() []byte {
	if b, ok := a.buffers.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return nil
}

// keep keeps b for a later piece.
func (a *Ahead) keep(b []byte) {
	if cap(b) > 0 {
		a.buffers.Put(&b)
	}
}
