// Read an iCalendar feed from stdin with Mozilla's ical.js, as Thunderbird does, and print
// what a calendar would show as JSON, for the Python tests to compare.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const parsed = ICAL.parse(readFileSync(0, "utf8"));
// One calendar parses to ["vcalendar", …]; several to a list of those.
const calendars = typeof parsed[0] === "string" ? [parsed] : parsed;
const root = new ICAL.Component(calendars[0]);
// Register the feed's own zones first, as a client does, so TZID=Asia/Seoul resolves.
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    url: component.getFirstPropertyValue("url"),
    categories: component.getAllProperties("categories").flatMap((p) => p.getValues()),
    allDay: event.startDate.isDate,
    start: event.startDate.toString(),
    end: event.endDate.toString(),
    zone: event.startDate.zone.tzid,
    startUtc: event.startDate.toJSDate().toISOString(),
  };
});

console.log(
  JSON.stringify({
    calendars: calendars.length,
    name: root.getFirstPropertyValue("x-wr-calname"),
    refresh: String(root.getFirstPropertyValue("refresh-interval")),
    events,
  }),
);
