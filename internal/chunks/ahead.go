package chunks

// Ahead encodes the n items in pieces of per items, [lo, hi), on goroutines of their own,
// at most ahead pieces ahead of take, which is handed each piece's bytes in order: for
// output whose consumer is sequential (a hash, a compressed stream) but whose encoding is
// not. encode appends to buf, a buffer take is done with (ahead of them are reused). It
// returns the first error of encode or take in the pieces' order, after which no piece is
// taken and no more are started.
func Ahead(n, per, ahead int, encode func(buf []byte, lo, hi int) ([]byte, error), take func([]byte) error) error {
	per, ahead = max(per, 1), max(ahead, 1)
	if n <= per {
		b, err := encode(nil, 0, n)
		if err != nil {
			return err
		}
		return take(b)
	}
	type piece struct {
		buf []byte
		err error
	}
	free := make(chan []byte, ahead) // the buffers
	for range ahead {
		free <- nil
	}
	pieces := make(chan chan piece, ahead) // in order
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
	return err
}
