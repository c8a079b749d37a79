package decode

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"Eastside Tenants Union", "Riverside Faith Coalition", "Local 302"}
	for _, tt := range []struct{ typed, want string }{
		{"Eastside Tenant Union", "Eastside Tenants Union"},
		{"riverside faith coaliton", "Riverside Faith Coalition"},
		{"Northside Chamber", ""},
	} {
		if got := Closest(names, tt.typed); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}
