package longtest

import "testing"

func TestEnabledOnlyWhenTheVariableIsOne(t *testing.T) {
	for _, c := range []struct {
		value string
		want  bool
	}{{"", false}, {"0", false}, {"yes", false}, {"1", true}} {
		t.Setenv(Env, c.value)
		if got := Enabled(); got != c.want && !(c.want && testing.Short()) {
			t.Errorf("%s=%q: Enabled() = %v, want %v", Env, c.value, got, c.want)
		}
	}
}

func TestSkipSkipsUnlessEnabled(t *testing.T) {
	t.Setenv(Env, "")
	ran := false
	t.Run("gated", func(t *testing.T) {
		Skip(t, "a long suite")
		ran = true
	})
	if ran {
		t.Errorf("a gated test ran without %s=1", Env)
	}
}
