package profile

// stopWord reports whether w (lower case) is too common to be a theme: English function
// words, and the verbs and fillers people use to say what they want ("we want to get more").
func stopWord(w string) bool {
	_, ok := stopWords[w]
	return ok || len([]rune(w)) < 2
}

var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range []string{
		// Function words.
		"a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
		"as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
		"by", "can", "cannot", "could", "did", "do", "does", "doing", "down", "during", "each",
		"either", "else", "ever", "every", "few", "for", "from", "further", "had", "has", "have",
		"having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i",
		"if", "in", "into", "is", "it", "its", "itself", "just", "let", "may", "me", "might",
		"mine", "more", "most", "much", "must", "my", "myself", "neither", "no", "nor", "not",
		"now", "of", "off", "often", "on", "once", "one", "only", "or", "other", "others", "ought",
		"our", "ours", "ourselves", "out", "over", "own", "per", "same", "shall", "she", "should",
		"so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
		"then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
		"until", "up", "upon", "us", "very", "via", "was", "we", "were", "what", "when", "where",
		"whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
		"without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
		"can't", "don't", "doesn't", "didn't", "won't", "wouldn't", "isn't", "aren't", "it's",
		"i'm", "we're", "they're", "we'd", "we'll", "they'd", "they'll", "let's", "that's",
		"etc", "e.g", "i.e", "also", "really", "well", "even", "still", "lot", "lots",
		// How people say what they want, rather than what they want.
		"want", "wants", "wanted", "like", "likes", "need", "needs", "get", "gets", "getting",
		"make", "makes", "making", "see", "sees", "seeing", "looks", "look", "able", "new",
		"many", "things", "thing", "way", "ways", "people's", "something", "someone",
	} {
		m[w] = struct{}{}
	}
	return m
}()
