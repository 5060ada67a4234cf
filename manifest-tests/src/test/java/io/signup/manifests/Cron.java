package io.signup.manifests;

import java.util.TreeSet;

/** The minute field of a cron schedule (PingSource), enough to tell how often it fires. */
final class Cron {

    private Cron() {
    }

    /** The shortest time between two firings, in minutes, for schedules that fire every hour. */
    static int shortestGapMinutes(String schedule) {
        String[] fields = schedule.trim().split("\\s+");
        if (fields.length != 5 || !fields[1].equals("*")) {
            throw new IllegalArgumentException("only hourly schedules are read here: " + schedule);
        }
        TreeSet<Integer> minutes = new TreeSet<>();
        for (String part : fields[0].split(",")) {
            String[] stepped = part.split("/");
            int step = stepped.length > 1 ? Integer.parseInt(stepped[1]) : 1;
            int from;
            int to;
            if (stepped[0].equals("*")) {
                from = 0;
                to = 59;
            } else if (stepped[0].contains("-")) {
                from = Integer.parseInt(stepped[0].split("-")[0]);
                to = Integer.parseInt(stepped[0].split("-")[1]);
            } else {
                from = Integer.parseInt(stepped[0]);
                to = stepped.length > 1 ? 59 : from;
            }
            for (int minute = from; minute <= to; minute += step) {
                minutes.add(minute);
            }
        }
        int shortest = minutes.first() + 60 - minutes.last();
        Integer previous = null;
        for (int minute : minutes) {
            if (previous != null) {
                shortest = Math.min(shortest, minute - previous);
            }
            previous = minute;
        }
        return shortest;
    }
}
