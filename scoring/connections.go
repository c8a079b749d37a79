package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

func connectionOrder(k ConnectionKind) int {
	switch k {
	case WarmPath:
		return 0
	case NeedsConnector:
		return 1
	case UnusedAsset:
		return 2
	case NewLead:
		return 3
	}
	return 4
}

// connections lists warm paths to active partners and the gaps around them. Ordered by kind,
// then partner, then member (folded), then input order.
//
// Where §3 is silent:
//   - An asset whose partner is inactive is no warm path, but is unused when that partner has
//     had no meeting in window.
//   - New leads come from dated meetings of active partners; the first offer is the earliest
//     meeting, on the same date the lower row (larger row number), as for the latest meeting.
func connections(recs Records, cfg Config, ix *index, facts []facts, as []Assessment) []Connection {
	type row struct {
		Connection
		partnerKey, memberKey string
		seq                   int // input order, the last tie-break
	}
	rows := make([]row, 0, len(recs.Assets)+len(as)/4)
	add := func(c Connection, partnerKey string) {
		rows = append(rows, row{Connection: c, partnerKey: partnerKey, memberKey: FoldName(c.Member), seq: len(rows)})
	}

	for i := range as {
		a := &as[i]
		p := a.Partner
		for _, asset := range a.WarmPaths {
			add(Connection{Kind: WarmPath, Partner: p.Name, Member: strings.TrimSpace(asset.Member),
				Detail: assetDetail(asset), Strength: asset.Strength}, partnerKey(p))
		}
		if len(a.WarmPaths) == 0 && ownerKey(p) == "" && (a.Quadrant == Q1Engage || a.Quadrant == Q2Persuade) {
			add(Connection{Kind: NeedsConnector, Partner: p.Name,
				Detail: "no owner and no warm path: ask your members who knows them"}, partnerKey(p))
		}
	}

	for ai := range recs.Assets {
		asset := &recs.Assets[ai]
		c := Connection{Kind: UnusedAsset, Member: strings.TrimSpace(asset.Member), Strength: asset.Strength}
		switch pi := ix.assetPartner[ai]; {
		case asset.PartnerKey == "":
			c.Detail = assetDetail(asset) + ": not linked to a partner"
		case pi < 0:
			c.Partner = strings.TrimSpace(asset.Partner)
			c.Detail = fmt.Sprintf("%s: no partner named %q, so no meeting in the last %d days", assetDetail(asset), c.Partner, cfg.WindowDays)
		case facts[pi].touches == 0:
			c.Partner = recs.Partners[pi].Name
			c.Detail = fmt.Sprintf("%s: no meeting with %s in the last %d days", assetDetail(asset), c.Partner, cfg.WindowDays)
		default:
			continue
		}
		add(c, asset.PartnerKey)
	}

	type lead struct {
		name    string
		meeting int
	}
	leads := map[string]lead{}
	var leadOrder []string
	for mi := range recs.Meetings {
		pi := ix.meetingPartner[mi]
		if pi < 0 || recs.Partners[pi].Inactive || len(recs.Meetings[mi].Introductions) == 0 {
			continue
		}
		m := &recs.Meetings[mi]
		for _, intro := range m.Introductions {
			k := FoldName(intro)
			if k == "" {
				continue
			}
			if _, isPartner := ix.byKey[k]; isPartner {
				continue
			}
			prev, seen := leads[k]
			if !seen {
				leadOrder = append(leadOrder, k)
			} else if first := &recs.Meetings[prev.meeting]; first.Date < m.Date || (first.Date == m.Date && first.Row >= m.Row) {
				continue
			}
			leads[k] = lead{name: strings.TrimSpace(intro), meeting: mi}
		}
	}
	for _, k := range leadOrder {
		l := leads[k]
		m := &recs.Meetings[l.meeting]
		p := &recs.Partners[ix.meetingPartner[l.meeting]]
		member := strings.TrimSpace(m.Member)
		if member == "" {
			member = strings.TrimSpace(p.Owner)
		}
		add(Connection{Kind: NewLead, Partner: p.Name, Member: member,
			Detail: "introduction to " + l.name + " offered " + m.Date.String()}, partnerKey(p))
	}

	slices.SortFunc(rows, func(x, y row) int {
		if c := cmp.Compare(connectionOrder(x.Kind), connectionOrder(y.Kind)); c != 0 {
			return c
		}
		if c := strings.Compare(x.partnerKey, y.partnerKey); c != 0 {
			return c
		}
		if c := strings.Compare(x.memberKey, y.memberKey); c != 0 {
			return c
		}
		return cmp.Compare(x.seq, y.seq)
	})
	out := make([]Connection, len(rows))
	for i := range rows {
		out[i] = rows[i].Connection
	}
	return out
}

// assetDetail names an asset as "<Category>: <Asset>", or just the asset without a category.
func assetDetail(a *Asset) string {
	asset, category := strings.TrimSpace(a.Asset), strings.TrimSpace(a.Category)
	if category == "" {
		return asset
	}
	return category + ": " + asset
}
