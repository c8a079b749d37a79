package demo

import (
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Day is the as-of day the demo's dates are counted back from.
type Day scoring.Date

// ago is a date cell n days before the day (negative n: in the future).
func (d Day) ago(n int) sheets.Cell {
	return sheets.DateCell(scoring.Date(d).AddDays(-n).Time())
}

// agoText is the same date typed as text, the way volunteers often do.
func (d Day) agoText(n int) sheets.Cell {
	return sheets.TextCell(scoring.Date(d).AddDays(-n).Time().Format("Jan 2, 2006"))
}

// Workbook returns the input tabs filled with a small coalition working on tenant
// protections: fifteen partners, their assets, a year of meetings and two campaigns, with a few of the
// mistakes volunteers make (a misspelt partner, a date nobody can read, a score out of range)
// so the Data Issues tab has something to show.
func Workbook(tabs config.Tabs, d Day) []sheets.InputTab {
	partners := [][]sheets.Cell{
		row("Eastside Tenants Union", "Organization", "Maria Lopez", "Strongly supports", 4, 5, 4, 3, 5, "", "Coalition", "Active", "no", "Maria Lopez", d.ago(60), "Stop no-cause evictions", "Turnout and legal support for members", "3,000 renter households", "All-volunteer board", ""),
		row("Councilmember Rivera's office", "Elected official", "Aisha Johnson", "Neutral", 5, 3, 4, 3, "", "", "Met", "Active", "no", "Aisha Johnson", d.ago(420), "Re-election in a swing district", "Be seen delivering on housing", "District 4", "Cautious until the committee vote", "Swing vote on the ordinance"),
		row("Riverside Faith Coalition", "Faith", "Dev Patel", "Supports", 4, 5, 3, 4, 4, "", "Collaborating", "Active", "no", "Dev Patel", d.ago(90), "Housing as a moral issue", "Engage younger congregants", "14 congregations", "Summer is busy", ""),
		row("Northside Chamber of Commerce", "Business", "", "Opposes", 4, 3, 3, 4, 2, "", "Prospect", "Active", "no", "Maria Lopez", d.ago(30), "Predictable rules for landlords", "Their landlord members", "220 businesses", "", "Could be persuaded on a phased rollout"),
		row("Local 302 Hospital Workers", "Union", "Aisha Johnson", "Supports", 4, 4, 4, 3, 4, "", "Transactional", "Active", "no", "Aisha Johnson", d.ago(100), "Affordable housing near the hospitals", "Members priced out of the city", "1,800 members", "Contract fight in spring", ""),
		row("The Daily Ledger", "Media", "Tom Becker", "Neutral", 4, 3, 3, 2, 3, "", "Contacted", "Active", "no", "Tom Becker", d.ago(45), "Local stories that sell", "Exclusive data", "Readers", "Small newsroom", ""),
		row("Youth Voices Collective", "Organization", "Lena Kim", "Strongly supports", 2, 4, 3, 2, 5, "", "Collaborating", "Active", "no", "Lena Kim", d.ago(20), "Young people's voice at city hall", "Leadership roles for youth", "Students 16-24", "Few adults to sign permits", ""),
		row("Green Streets Alliance", "Organization", "Dev Patel", "Supports", 3, 4, 3, 3, 4, "", "Met", "Active", "no", "Dev Patel", d.ago(70), "Walkable, green neighborhoods", "Link housing and transit", "Neighborhood volunteers", "", ""),
		row("Pastor James Whitfield", "Individual", "Maria Lopez", "Supports", 3, 5, 3, 2, 4, "", "Collaborating", "Active", "no", "Maria Lopez", d.ago(50), "Keep families in the parish", "", "Grace Baptist congregation", "", ""),
		row("Westside Library Friends", "Organization", "Tom Becker", "Neutral", 2, 4, 2, 2, 3, "", "Transactional", "Active", "no", "Tom Becker", d.ago(200), "Programs for new residents", "Room bookings", "Library patrons", "", ""),
		row("Mayor's Housing Task Force", "Elected official", "Aisha Johnson", "Opposes", 5, 3, 4, 4, "", "", "Prospect", "Active", "no", "", "", "A plan the mayor can claim", "", "The mayor", "", "Target decision-maker's own table"),
		row("Hillcrest Neighborhood Association", "Organization", "Tom Becker", "Opposes", 2, 3, 2, 2, 2, "", "Contacted", "Active", "no", "Tom Becker", d.ago(150), "Property values", "", "Homeowners", "", ""),
		row("Sunrise Food Co-op", "Business", "Lena Kim", "Supports", 2, 4, 3, 3, 4, "", "Met", "Active", "no", "Lena Kim", d.ago(40), "Neighborhood ownership", "Foot traffic", "1,100 member-owners", "", ""),
		row("Progressive Action PAC", "Organization", "Tom Becker", "Strongly supports", 3, 2, 3, 3, 4, "", "Contacted", "Active", "yes", "Tom Becker", d.ago(25), "Elect pro-tenant candidates", "Volunteers", "Donors", "Endorses candidates", ""),
		row("Old Town Arts Council", "Organization", "Lena Kim", "Supports", 2, 3, 2, 1, 3, "", "Dormant", "Inactive", "no", "", "", "", "", "", "", "Paused their work this year"),
		row("State Senator Okafor", "Elected official", "Aisha Johnson", "Supports", 5, 3, 5, 2, 4, "", "Met", "Active", "no", "Aisha Johnson", d.ago(35), "Statewide tenant protections", "A local success story", "Senate District 12", "", ""),
		row("Eastside Community Health Center", "Organization", "Dev Patel", "Supports", 3, "very high", 4, 2, 4, "", "Prospect", "Active", "no", "Dev Patel", d.ago(10), "Healthy housing", "", "Patients", "", ""),
	}
	assets := [][]sheets.Cell{
		row("Maria Lopez", "Organizational relationship", "Board member of Eastside Tenants Union", "Eastside Tenants Union", "Strong", ""),
		row("Aisha Johnson", "Significant individual", "Knocked doors for Councilmember Rivera's first race", "Councilmember Rivera's office", "Medium", ""),
		row("Dev Patel", "Organizational relationship", "Sings in the choir at St. Mark's, a Riverside Faith Coalition member", "Riverside Faith Coalition", "Medium", ""),
		row("Tom Becker", "Significant individual", "College roommate of the Daily Ledger's city editor", "The Daily Ledger", "Strong", ""),
		row("Lena Kim", "Skill", "Graphic design and social media", "", "Medium", "Could make the coalition's shareables"),
		row("Dev Patel", "Reach", "Runs the 2,400-person neighborhood email list", "", "Medium", ""),
		row("Aisha Johnson", "Organizational relationship", "Shop steward at Local 302", "Local 302 Hospital Workers", "Strong", ""),
		row("Maria Lopez", "Physical", "Community room at her building, seats 40", "", "Medium", ""),
		row("Lena Kim", "Significant individual", "Her cousin chairs the Chamber's housing committee", "Northside Chamber of Commerce", "Weak", "Not used yet"),
		row("Tom Becker", "Organizational relationship", "Member of Westside Library Friends", "Westside Library Friends", "Weak", ""),
		row("Maria Lopez", "Organizational relationship", "Volunteers with the Eastside Community Health Center", "Eastside Community Health Center", "Medium", ""),
	}
	meetings := [][]sheets.Cell{
		row(d.ago(300), "Eastside Tenants Union", "Maria Lopez", "1-1", "", "No family on the block gets a no-cause eviction", "Members want wins they can feel", "A second meeting with their organizer", "Yes", "Riverside Faith Coalition", "Meet their organizer", d.ago(286), "yes", ""),
		row(d.ago(120), "Eastside Tenants Union", "Maria Lopez", "Event", "Co-sponsored", "", "", "", "", "", "", "", "", "Tenant rights fair, 80 people"),
		row(d.ago(45), "Eastside Tenants Union", "Maria Lopez", "Joint action", "Co-led", "", "", "", "", "", "", "", "", "Packed the housing committee hearing"),
		row(d.ago(9), "Eastside Tenants Union", "Maria Lopez", "Coalition meeting", "Led", "", "", "Bring 20 members to the council vote", "Pending", "Mayor's Housing Task Force; Legal Aid Society", "Confirm turnout numbers", d.ago(-5), "no", ""),
		row(d.ago(200), "Councilmember Rivera's office", "Aisha Johnson", "1-1", "", "A policy that does not split the district", "Re-election", "", "", "Chief of staff Dana Ruiz", "", "", "", "Met the chief of staff"),
		row(d.ago(95), "Councilmember Rivera's office", "Aisha Johnson", "Call", "", "", "", "Meet with three tenants from the district", "Pending", "", "Send the tenant stories packet", d.ago(81), "no", ""),
		row(d.ago(250), "Riverside Faith Coalition", "Dev Patel", "1-1", "", "Congregations acting together on housing", "Engage younger members", "Announce the fair from the pulpit", "Yes", "", "", "", "", ""),
		row(d.ago(120), "Riverside Faith Coalition", "Dev Patel", "Event", "Attended", "", "", "", "", "", "", "", "", ""),
		row(d.ago(60), "Riverside Faith Coalition", "Dev Patel", "Coalition meeting", "Attended", "", "", "", "", "", "", "", "", ""),
		row(d.ago(30), "Riverside Faith Coalition", "Dev Patel", "Joint action", "Attended", "", "", "", "", "", "Plan a housing Sunday", d.ago(-10), "no", ""),
		row(d.ago(300), "Local 302 Hospital Workers", "Aisha Johnson", "1-1", "", "Members can afford to live near work", "Housing costs in contract talks", "Share our action alerts", "Yes", "", "", "", "", ""),
		row(d.ago(130), "Local 302 Hospital Workers", "Aisha Johnson", "Event", "Attended", "", "", "", "", "", "Invite their members to the hearing", d.ago(116), "yes", ""),
		row(d.ago(80), "The Daily Ledger", "Tom Becker", "Email", "", "", "", "A story on eviction data", "Pending", "", "Send the eviction data set", d.ago(66), "no", ""),
		row(d.ago(150), "Youth Voices Collective", "Lena Kim", "1-1", "", "Youth seats on city boards", "Leadership roles", "Co-host the fair's youth corner", "Yes", "Students for Housing Justice", "", "", "", ""),
		row(d.ago(120), "Youth Voices Collective", "Lena Kim", "Event", "Co-led", "", "", "", "", "", "", "", "", ""),
		row(d.ago(45), "Youth Voices Collective", "Lena Kim", "Joint action", "Co-sponsored", "", "", "", "", "", "", "", "", ""),
		row(d.ago(12), "Youth Voices Collective", "Lena Kim", "Coalition meeting", "Attended", "", "", "", "", "", "Draft the youth testimony", d.ago(-3), "no", ""),
		row(d.ago(70), "Green Streets Alliance", "Dev Patel", "1-1", "", "Transit-oriented housing", "Bigger coalition for their bike lanes", "Join our next coalition meeting", "Yes", "Bike Walk Eastside", "Send the coalition meeting invite", d.ago(40), "no", ""),
		row(d.ago(50), "Pastor James Whitfield", "Maria Lopez", "1-1", "", "Families stay in the parish", "", "Speak at the hearing", "Yes", "", "", "", "", ""),
		row(d.ago(110), "Pastor James Whitfield", "Maria Lopez", "Event", "Attended", "", "", "", "", "", "", "", "", ""),
		row(d.ago(20), "Pastor James Whitfield", "Maria Lopez", "Coalition meeting", "Attended", "", "", "", "", "", "", "", "", ""),
		row(d.ago(260), "Westside Library Friends", "Tom Becker", "1-1", "", "Programs for new residents", "", "Host a know-your-rights night", "Yes", "", "", "", "", ""),
		row(d.ago(210), "Westside Library Friends", "Tom Becker", "Event", "Attended", "", "", "", "", "", "", "", "", ""),
		row(d.ago(150), "Hillcrest Neighborhood Association", "Tom Becker", "Call", "", "", "Property values", "", "", "", "", "", "", "Cool reception"),
		row(d.ago(40), "Sunrise Food Co-op", "Lena Kim", "1-1", "", "A co-op in every neighborhood", "Foot traffic", "", "", "Eastside Credit Union", "", "", "", ""),
		row(d.ago(-6), "Sunrise Food Co-op", "Lena Kim", "1-1", "", "", "", "", "", "", "", "", "", "Planned follow-up"),
		row(d.ago(35), "State Senator Okafor", "Aisha Johnson", "1-1", "", "A model ordinance she can point to", "Statewide bill", "Visit the tenant fair", "Pending", "", "Send the draft ordinance", d.ago(28), "no", ""),
		row(d.agoText(25), "Progressive Action PAC", "Tom Becker", "Call", "", "", "", "", "", "", "", "", "", "They want our volunteer list"),
		row(d.ago(15), "Eastside Tenant Union", "Maria Lopez", "Call", "", "", "", "", "", "", "Share the hearing script", d.ago(-2), "no", "Typed the name wrong"),
		row(sheets.TextCell("next Tuesday"), "Green Streets Alliance", "Dev Patel", "1-1", "", "", "", "", "", "", "", "", "", "Nobody can read this date"),
	}
	members := [][]sheets.Cell{
		row("Maria Lopez", "maria@example.org", "Leader", 6),
		row("Aisha Johnson", "aisha@example.org", "Leader", ""),
		row("Dev Patel", "dev@example.org", "Member", ""),
		row("Tom Becker", "tom@example.org", "Member", 3),
		row("Lena Kim", "lena@example.org", "Member", 4),
	}
	// Two campaigns: one whose target is a partner (the councilmember's office), one whose
	// target is not (the mayor, placed by a Stances row of its own); and a won one, kept.
	campaigns := [][]sheets.Cell{
		row("Just-cause eviction ordinance", "Councilmember Rivera's office", "Pass the ordinance in the housing committee", "Active", d.ago(-45), "Maria Lopez"),
		row("Rental assistance budget", "Mayor Chen", "$4M for emergency rental assistance in next year's budget", "Active", d.ago(-120), "Aisha Johnson"),
		row("Library know-your-rights nights", "Westside Library board", "A monthly tenant clinic at the library", "Won", d.ago(150), "Tom Becker"),
	}
	stances := [][]sheets.Cell{
		row("Northside Chamber of Commerce", "Just-cause eviction ordinance", "Strongly opposes", 5, "Their landlord members lobby the committee"),
		row("Hillcrest Neighborhood Association", "Just-cause eviction ordinance", "Opposes", 4, "Rivera's most reliable voters"),
		row("Local 302 Hospital Workers", "Just-cause eviction ordinance", "Strongly supports", 4, ""),
		row("The Daily Ledger", "Just-cause eviction ordinance", "", 4, "Rivera reads their editorials"),
		row("Mayor Chen", "Rental assistance budget", "Neutral", "", "The target: undecided"),
		row("Northside Chamber of Commerce", "Rental assistance budget", "Supports", 4, "Assistance pays their landlord members"),
		row("Councilmember Rivera's office", "Rental assistance budget", "Supports", 4, "Chairs the budget committee"),
		row("Youth Voices Collective", "Rental assistance budget", "", 1, ""),
		row("Eastside Tenants Union", "Rental asistance budget", "Strongly supports", 3, "Typed the campaign wrong"),
	}
	return []sheets.InputTab{
		inputTab(tabs.Partners, partnerColumns, partners),
		inputTab(tabs.Assets, assetColumns, assets),
		inputTab(tabs.Meetings, meetingColumns, meetings),
		inputTab(tabs.Members, memberColumns, members),
		inputTab(tabs.Campaigns, campaignColumns, campaigns),
		withLists(inputTab(tabs.Stances, stanceColumns, stances), tabs),
	}
}
