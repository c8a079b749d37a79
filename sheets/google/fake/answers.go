package fake

// Answers to gets are kept until their spreadsheet changes. A fleet benchmark reads hundreds
// of unchanged spreadsheets again and again, and encoding and pruning one answer (about
// 100 ms for a chapter's sheet with its output tabs) made the fake, not the service, the
// bottleneck. Every change of a spreadsheet (a batchUpdate, or seeding through the Server's
// methods) moves its version on, and an answer is used only at the version it was made at.

// answer is one kept answer to a get.
type answer struct {
	version int64
	status  int
	header  map[string][]string
	body    []byte
}

// changed marks spreadsheet id as changed; the caller holds s.mu.
func (s *Server) changed(id string) {
	if s.versions == nil {
		s.versions = map[string]int64{}
	}
	s.versions[id]++
}

// keptAnswer returns the kept answer to a get of id with this query, if it is current,
// and the version an answer made now would have. The caller holds s.mu.
func (s *Server) keptAnswer(id, query string) (*answer, int64) {
	v := s.versions[id]
	if a := s.answers[id+"\x00"+query]; a != nil && a.version == v {
		return a, v
	}
	return nil, v
}

// keep stores an answer made at version v; an answer made before a change is not kept.
func (s *Server) keep(id, query string, v int64, w *recorder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.versions[id] != v || w.status != 200 {
		return
	}
	if s.answers == nil {
		s.answers = map[string]*answer{}
	}
	s.answers[id+"\x00"+query] = &answer{version: v, status: w.status, header: w.header.Clone(), body: append([]byte(nil), w.body.Bytes()...)}
}
