"""The demo community that `flask --app wsgi forum demo load` (and `make run`) creates.

Every demo account signs in with the password `password123`: `admin`
(admin), `mod` (moderator), `staff_sam` and `staff_kim` (staff) and a dozen
members. Everything goes through the posting services, with the clock moved
back so the threads spread over the past few weeks; nothing is written to
the post tables directly. The content is plain data at the top of the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from forum import clock
from forum.demo_votes import add_votes_and_acceptance
from forum.models import Post, User
from forum.services import accounts, posting

DEMO_PASSWORD = "password123"
# The demo is present when this account exists; loading again does nothing.
MARKER_USERNAME = "admin"

# username, role, days since the account was created, about
USERS: list[tuple[str, str, int, str]] = [
    ("admin", "admin", 60, "Runs the community platform."),
    ("mod", "moderator", 58, "Community moderator. Flag anything that needs a second look."),
    ("staff_sam", "staff", 55, "Support engineer: networking, TVs and firmware."),
    ("staff_kim", "staff", 55,
     "Support team lead: orders, returns, phones. Μιλάω ελληνικά, hovorím po slovensky."),
    ("maria_k", "member", 45, "Home-office worker with too many gadgets."),
    ("tom.becker", "member", 44, "Tinkerer. I read release notes for fun."),
    ("priya_n", "member", 40, ""),
    ("jonas-w", "member", 38, "Amateur home-theatre builder."),
    ("chloe.m", "member", 36, ""),
    ("kwame_a", "member", 35, "Small-business owner, three routers and counting."),
    ("eleni_p", "member", 33, "Αθήνα."),
    ("dimitris.a", "member", 32, "Τεχνικός δικτύων."),
    ("petr.novak", "member", 31, "Brno."),
    ("zuzana_h", "member", 30, "Bratislava."),
    ("dariush_r", "member", 29, "تهران"),
    ("shirin.m", "member", 28, ""),
]

# Each thread: who asked, how many days ago, and what followed, in hours
# after the question. A comment's "on" is "question" or the index of an answer.
THREADS: list[dict] = [
    {
        "key": "router-evening-drops",
        "author": "maria_k",
        "days_ago": 26,
        "title": "Router drops Wi-Fi every evening around 8 pm",
        "tags": ["router", "wifi"],
        "body": (
            "Every evening, somewhere between 8 and 9 pm, my laptop and phone lose the "
            "Wi-Fi for a minute or two and then reconnect. Wired devices keep working.\n\n"
            "- Router: AX3000 dual-band, firmware 1.2.4\n"
            "- About 15 devices in the flat\n"
            "- Daytime is perfectly stable\n\n"
            "I already restarted the router and moved it off the floor. What else can I check?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 3,
                "body": (
                    "An evening pattern with wired devices unaffected almost always means radio "
                    "congestion: your neighbours come home and their networks get busy.\n\n"
                    "1. Open the router's admin page and go to **Wireless → Advanced**.\n"
                    "2. Set the 2.4 GHz channel to 1, 6 or 11 instead of *Auto*, whichever the "
                    "channel scan shows as least crowded.\n"
                    "3. On 5 GHz, turn off *DFS channels* for a test: a radar event forces the "
                    "router to change channel, which looks exactly like a one-minute drop.\n\n"
                    "If it still happens, send us the system log from **Status → Logs** right "
                    "after a drop and we will take a look."
                ),
            },
            {
                "author": "tom.becker",
                "hours": 20,
                "body": (
                    "Same symptom here last winter. In my case it was the microwave: the 2.4 GHz "
                    "band sits right next to it. Moving everything I could to 5 GHz fixed it. "
                    "Worth checking whether dinner time lines up with your drops!"
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "maria_k", "hours": 26,
             "body": "Turning off DFS did it: three evenings without a single drop. Thank you!"},
            {"on": 1, "author": "maria_k", "hours": 27,
             "body": "Ha, no microwave here, but my neighbour's baby monitor might be the culprit."},
        ],
    },
    {
        "key": "track-order",
        "author": "chloe.m",
        "days_ago": 24,
        "title": "How do I track my order once it has left the warehouse?",
        "tags": ["order-tracking", "shipping"],
        "body": (
            "My order confirmation says *shipped*, but the tracking link in the e-mail only "
            "shows \"label created\" and it has been two days. Is there another way to see "
            "where the parcel is?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 2,
                "body": (
                    "\"Label created\" means the carrier has not scanned the parcel yet. Carriers "
                    "collect from our warehouse once a day, so the first scan can show up as late "
                    "as 48 hours after shipping.\n\n"
                    "You can always see the live status under **Account → Orders → Track**. If "
                    "there is still no scan after three working days, reply here with your order "
                    "number (the part before the dash is enough) and I will chase the carrier."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "chloe.m", "hours": 30,
             "body": "It got scanned this morning and arrives tomorrow. Thanks for explaining!"},
        ],
    },
    {
        "key": "return-opened-laptop",
        "author": "jonas-w",
        "days_ago": 23,
        "title": "Can I return a laptop I have already opened and set up?",
        "tags": ["returns", "laptop"],
        "body": (
            "I bought a 14-inch laptop nine days ago, unboxed it, created a user account and "
            "used it for a weekend. The keyboard flexes more than I expected, so I would like to "
            "return it. Does opening the box or setting up Windows void the return?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 4,
                "body": (
                    "No, opening the box does not void the return. You have **30 days** from "
                    "delivery for a full refund, as long as:\n\n"
                    "- all accessories and the charger are included,\n"
                    "- there is no physical damage,\n"
                    "- you sign out of your Microsoft account and reset the PC "
                    "(*Settings → System → Recovery → Reset this PC → Remove everything*).\n\n"
                    "Start the return under **Account → Orders → Return an item** and print the "
                    "prepaid label."
                ),
            },
            {
                "author": "priya_n",
                "hours": 9,
                "body": (
                    "I returned one last month without the original plastic film and it was "
                    "fine. Just make sure you turn off *Find my device* before you reset it, "
                    "otherwise the refund gets held until the device is unlocked."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "tv-no-sound-arc",
        "author": "kwame_a",
        "days_ago": 21,
        "title": "TV plays no sound through my soundbar over HDMI ARC",
        "tags": ["tv", "hdmi", "audio"],
        "body": (
            "The soundbar is plugged into the TV's HDMI 2 port (the one marked ARC). The TV "
            "menu lets me pick *HDMI ARC* as the output, but no sound comes out. The optical "
            "cable works fine, so the soundbar itself is OK.\n\n"
            "TV firmware is up to date. Any ideas?"
        ),
        "answers": [
            {
                "author": "tom.becker",
                "hours": 1,
                "body": (
                    "Check that **HDMI-CEC** is switched on, on *both* devices. On this TV it is "
                    "hidden under *General → External Device Manager → Device Connection "
                    "Manager*. Without CEC the two never agree to start ARC."
                ),
            },
            {
                "author": "staff_sam",
                "hours": 5,
                "body": (
                    "Tom is right about CEC. Two more things that often block ARC:\n\n"
                    "1. *Digital output audio format* set to **Pass-through** while the soundbar "
                    "only decodes PCM and Dolby Digital. Set it to **Auto** or **PCM**.\n"
                    "2. An older HDMI cable. ARC itself works with any cable, but some cheap ones "
                    "leave out the line it needs. Try the cable that came with the soundbar.\n\n"
                    "After changing either, power both devices off at the wall for 30 seconds."
                ),
            },
        ],
        "comments": [
            {"on": 1, "author": "kwame_a", "hours": 8,
             "body": "Pass-through was the problem. Set it to Auto and the sound came straight back."},
        ],
    },
    {
        "key": "laptop-battery-sleep",
        "author": "priya_n",
        "days_ago": 19,
        "title": "Laptop battery drains about 30% overnight while asleep",
        "tags": ["laptop", "battery", "sleep"],
        "body": (
            "I close the lid at 100% in the evening and open it at 70% the next morning. The "
            "laptop is warm in the bag sometimes, too. Is this normal for *Modern Standby*, or "
            "is something keeping it awake?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 6,
                "body": (
                    "Thirty percent is too much; a healthy machine loses 2–5% a night. Let us "
                    "find out what wakes it. Open a terminal as administrator and run:\n\n"
                    "```\npowercfg /sleepstudy\n```\n\n"
                    "It writes `sleepstudy-report.html` in the current folder. Look for the "
                    "sessions with the highest drain and the *Top offenders* table. Very often "
                    "it is a network adapter or a sync client. Then try *Settings → Power → "
                    "Lid close action → Hibernate* for a night to confirm the battery is fine."
                ),
            },
            {
                "author": "jonas-w",
                "hours": 30,
                "body": (
                    "For me the culprit was the Bluetooth mouse receiver: the laptop woke every "
                    "time the mouse moved in the bag. Disabling *Allow this device to wake the "
                    "computer* in Device Manager fixed the drain completely."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "priya_n", "hours": 28,
             "body": "The sleep study blames the Wi-Fi adapter: it woke 140 times in one night!"},
            {"on": 0, "author": "staff_sam", "hours": 29,
             "body": "That fits. Update the Wi-Fi driver from our support page and test again."},
        ],
    },
    {
        "key": "phone-charge-80",
        "author": "tom.becker",
        "days_ago": 17,
        "title": "Phone stops charging at 80% and will not go higher",
        "tags": ["phone", "battery", "charging"],
        "body": (
            "Since the last system update my phone charges quickly to 80% and then just sits "
            "there, even if I leave it plugged in for hours. Is the battery failing?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 2,
                "body": (
                    "Your battery is fine: the update turned on **Battery protection**, which "
                    "stops at 80% to slow down ageing. You can switch it off under *Settings → "
                    "Battery → Charging → Protect battery*.\n\n"
                    "We do recommend leaving it on if the phone spends nights on the charger; "
                    "a battery kept at 100% all the time loses capacity noticeably faster."
                ),
            },
        ],
        "comments": [
            {"on": "question", "author": "tom.becker", "hours": 3,
             "body": "Found it, thanks. I will keep it on and turn it off before long trips."},
        ],
    },
    {
        "key": "mesh-backhaul",
        "author": "jonas-w",
        "days_ago": 15,
        "title": "Do mesh satellites need an Ethernet cable back to the main router?",
        "tags": ["router", "mesh", "wifi"],
        "body": (
            "I am about to buy a three-piece mesh kit for an old house with thick stone walls. "
            "Running cables to the upstairs rooms would be a big job. Will the satellites work "
            "well over wireless backhaul, or should I plan for Ethernet?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 5,
                "body": (
                    "They work without cables: the kit uses a dedicated 5 GHz radio between the "
                    "units. With stone walls, though, placement matters more than anything:\n\n"
                    "- put each satellite where it still gets **at least 3 bars** from the unit "
                    "before it, usually halfway, not in the dead zone itself;\n"
                    "- use the app's *Placement test* after setup;\n"
                    "- if one room still struggles, a powerline adapter can act as a wired "
                    "backhaul, and the system uses it automatically."
                ),
            },
            {
                "author": "kwame_a",
                "hours": 40,
                "body": (
                    "I run the same kit in a shop with brick walls. Wireless backhaul gives me "
                    "about 300 Mbit/s at the far satellite, which is plenty. The one I wired "
                    "later gets the full 900, so wire it if you ever have the chance."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "tv-hdr-washed-out",
        "author": "maria_k",
        "days_ago": 13,
        "title": "HDR films look washed out and grey on my new TV",
        "tags": ["tv", "hdr", "settings"],
        "body": (
            "Streaming apps show the HDR badge, but the picture looks flat and greyish, much "
            "worse than SDR content. Blacks are not black at all. What setting am I missing?"
        ),
        "answers": [
            {
                "author": "chloe.m",
                "hours": 4,
                "body": (
                    "Check the picture mode first: *Eco* or *Standard* mode caps the brightness "
                    "and makes HDR look dull. Switch to **Movie** (or *Filmmaker mode*) while "
                    "HDR is playing; the TV remembers a separate mode for HDR. Also turn off the "
                    "*ambient light sensor*, it dims the panel in a bright room."
                ),
            },
            {
                "author": "staff_sam",
                "hours": 7,
                "body": (
                    "If you watch through an external box, also make sure the HDMI port has "
                    "**Input Signal Plus** (sometimes called *HDMI UHD Color*) turned on for that "
                    "input. Without it the box sends HDR in a limited format and the TV shows "
                    "exactly this washed-out picture."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "damaged-box",
        "author": "kwame_a",
        "days_ago": 11,
        "title": "Order arrived in a crushed box: refund or replacement?",
        "tags": ["returns", "shipping"],
        "body": (
            "The outer box of my monitor order arrived crushed on one corner. The monitor "
            "itself seems to work, but I am worried about hidden damage. Should I refuse it, "
            "keep it, or ask for a replacement?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 1,
                "body": (
                    "Sorry about that! Please keep the monitor and the packaging for now and:\n\n"
                    "1. take two or three photos of the box and the corner of the monitor;\n"
                    "2. open **Account → Orders → Report a problem → Arrived damaged**;\n"
                    "3. choose *replacement* or *refund*.\n\n"
                    "Either way the carrier collects the damaged one free of charge. Reports "
                    "within 14 days of delivery are handled without any inspection on your side."
                ),
            },
        ],
        "comments": [
            {"on": "question", "author": "kwame_a", "hours": 30,
             "body": "Replacement ordered, the courier picks the old one up on Thursday."},
        ],
    },
    {
        "key": "reset-phone-tradein",
        "author": "chloe.m",
        "days_ago": 9,
        "title": "What must I do before trading in my old phone?",
        "tags": ["phone", "trade-in", "privacy"],
        "body": (
            "I am trading in my old phone towards a new one. I want to be sure none of my "
            "photos, messages or accounts can be recovered by whoever gets it next. Is a "
            "factory reset enough?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 3,
                "body": (
                    "A factory reset is enough on any phone from the last few years: storage is "
                    "encrypted, and the reset throws away the key, so the old data cannot be read "
                    "back. Before you reset:\n\n"
                    "- back up and move your data to the new phone;\n"
                    "- sign out of your Google or manufacturer account, otherwise *factory reset "
                    "protection* locks the phone and the trade-in is rejected;\n"
                    "- remove the SIM and any memory card."
                ),
            },
            {
                "author": "priya_n",
                "hours": 12,
                "body": (
                    "One more: unpair it from your smartwatch and remove it from your bank's app "
                    "list of trusted devices. Those live on the server side, so the reset does "
                    "not touch them."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "laptop-fan-noise",
        "author": "tom.becker",
        "days_ago": 7,
        "title": "Laptop fan is loud under light load since the last update",
        "tags": ["laptop", "fan"],
        "body": (
            "Since yesterday's update the fan spins up loudly even when I am only writing "
            "e-mails. CPU usage in Task Manager is under 5%."
        ),
        "edit": {
            "hours": 2,
            "author": "tom.becker",
            "summary": "added model, BIOS version and temperatures",
            "body": (
                "Since yesterday's update the fan spins up loudly even when I am only writing "
                "e-mails. CPU usage in Task Manager is under 5%.\n\n"
                "**Edit:** more details, as asked:\n\n"
                "- Model: 15-inch ultrabook, 2023 edition\n"
                "- BIOS: 1.14 (the update installed it together with the graphics driver)\n"
                "- CPU temperature at idle: 62 °C, it used to be around 45 °C"
            ),
            "tags": ["laptop", "fan", "firmware"],
        },
        "answers": [
            {
                "author": "jonas-w",
                "hours": 4,
                "body": (
                    "BIOS 1.14 resets the *thermal profile* to **Performance**. Open the vendor "
                    "control app, go to *Power → Thermal mode* and set it back to **Balanced** or "
                    "**Quiet**. That brought my idle temperature down by 15 degrees."
                ),
            },
            {
                "author": "staff_sam",
                "hours": 9,
                "body": (
                    "Confirmed, that is a known issue with BIOS 1.14. Jonas's workaround is the "
                    "right one for now; BIOS 1.15 keeps your thermal mode across updates and is "
                    "due within two weeks. Please do not roll the BIOS back manually: the "
                    "downgrade is blocked on this model and the attempt can leave it unbootable."
                ),
            },
        ],
        "comments": [
            {"on": "question", "author": "staff_sam", "hours": 1,
             "body": "Which model and BIOS version is this? The temperatures would help too."},
            {"on": 0, "author": "tom.becker", "hours": 5,
             "body": "Balanced mode did it: quiet again, 47 °C at idle. Thanks, Jonas."},
        ],
    },
    {
        "key": "change-shipping-address",
        "author": "priya_n",
        "days_ago": 5,
        "title": "Can I change the shipping address after placing an order?",
        "tags": ["order-tracking", "shipping"],
        "body": (
            "I placed an order an hour ago and only now noticed it is going to my old address. "
            "The order page does not show an edit button. Is it too late?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 1,
                "body": (
                    "Not too late as long as the order status is still **Processing**. Use "
                    "*Account → Orders → Cancel* and place it again with the right address; the "
                    "refund for the cancelled order is instant when you paid by card.\n\n"
                    "Once it says *Shipped*, we can no longer change the address, but the carrier "
                    "can: use the *Redirect delivery* link in their tracking page."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "router-firmware-orange",
        "author": "kwame_a",
        "days_ago": 3,
        "title": "Router firmware update failed and the power LED blinks orange",
        "tags": ["router", "firmware"],
        "body": (
            "I started a firmware update from the web interface and the browser tab froze at "
            "90%. After waiting twenty minutes I power-cycled the router. Now the power LED "
            "blinks orange and nothing connects, not even over a cable. Is it bricked?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 2,
                "body": (
                    "Blinking orange means the router is in **recovery mode**, which is good "
                    "news: it is waiting for a firmware image and is not bricked.\n\n"
                    "1. Download the firmware for your exact hardware version from our support "
                    "page (it is on the label underneath, e.g. `v2.0`).\n"
                    "2. Connect a computer by cable and give it the address `192.168.0.10`, "
                    "mask `255.255.255.0`.\n"
                    "3. Open <http://192.168.0.1> and upload the file. Do not switch anything "
                    "off until the LED turns solid white (about five minutes).\n\n"
                    "If the recovery page does not load, reply here and we will arrange a "
                    "replacement under warranty."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "kwame_a", "hours": 4,
             "body": "The recovery page worked and the router is back with all its settings."},
        ],
    },
    {
        "key": "smart-tv-slow-apps",
        "author": "jonas-w",
        "days_ago": 1,
        "title": "Smart TV apps take almost a minute to open",
        "tags": ["tv", "apps", "performance"],
        "body": (
            "The streaming apps on my two-year-old TV have become painfully slow: the home "
            "screen lags and apps take 40–60 seconds to open. Is there anything I can do short "
            "of buying a streaming stick?"
        ),
        "answers": [
            {
                "author": "maria_k",
                "hours": 3,
                "body": (
                    "Turn off *Instant On* / *Quick Start* for a day and fully power-cycle the TV. "
                    "It never really restarts with that on, and mine got sluggish the same way "
                    "until I did."
                ),
            },
            {
                "author": "staff_kim",
                "hours": 5,
                "body": (
                    "Also clear the cache of the biggest apps (*Settings → Apps → app → Clear "
                    "cache*) and uninstall the ones you do not use: the TV has 8 GB of storage "
                    "and slows down a lot once it is nearly full. If it is still slow after "
                    "that, a factory reset usually brings it back to day-one speed."
                ),
            },
        ],
        "comments": [],
    },
    {
        "key": "greek-router-speed",
        "author": "eleni_p",
        "days_ago": 20,
        "title": "Χαμηλή ταχύτητα στο Wi-Fi ενώ με καλώδιο πιάνω κανονικά",
        "tags": ["router", "wifi", "greek"],
        "body": (
            "Καλησπέρα σας. Έχω σύνδεση 200 Mbps. Με καλώδιο Ethernet η μέτρηση δείχνει "
            "περίπου 190 Mbps, αλλά μέσω Wi-Fi, ακόμη και δίπλα στο ρούτερ, δεν ξεπερνώ τα "
            "40 Mbps. Το λάπτοπ είναι καινούργιο. Τι μπορεί να φταίει;"
        ),
        "answers": [
            {
                "author": "dimitris.a",
                "hours": 3,
                "body": (
                    "Πιθανότατα είστε συνδεδεμένη στο δίκτυο των **2,4 GHz**. Ελέγξτε αν το "
                    "ρούτερ εκπέμπει και στα 5 GHz: συνήθως το όνομα του δικτύου τελειώνει σε "
                    "`-5G`. Στα 5 GHz θα δείτε εύκολα πάνω από 150 Mbps σε μικρή απόσταση."
                ),
            },
            {
                "author": "staff_kim",
                "hours": 6,
                "body": (
                    "Συμφωνώ με τον Δημήτρη. Αν το λάπτοπ δεν βλέπει καθόλου το δίκτυο των "
                    "5 GHz, ενημερώστε τον οδηγό της κάρτας Wi-Fi από τη σελίδα υποστήριξης "
                    "και βεβαιωθείτε ότι στο ρούτερ το πλάτος καναλιού είναι **80 MHz**. "
                    "Αν το πρόβλημα συνεχιστεί, γράψτε μας εδώ το μοντέλο του ρούτερ."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "eleni_p", "hours": 5,
             "body": "Ευχαριστώ πολύ! Στα 5 GHz έχω πλέον 170 Mbps."},
        ],
    },
    {
        "key": "czech-tv-remote",
        "author": "petr.novak",
        "days_ago": 16,
        "title": "Dálkový ovladač televize přestal reagovat po výměně baterií",
        "tags": ["tv", "remote", "czech"],
        "body": (
            "Dobrý den, po výměně baterií přestal dálkový ovladač úplně reagovat. Baterie jsou "
            "nové a správně vložené, televize jde zapnout tlačítkem na spodní straně. "
            "Nevíte, jak ovladač znovu spárovat?"
        ),
        "answers": [
            {
                "author": "staff_sam",
                "hours": 4,
                "body": (
                    "Dobrý den, chytrý ovladač komunikuje přes Bluetooth a po výměně baterií se "
                    "někdy musí znovu spárovat:\n\n"
                    "1. Namiřte ovladač na televizi ze vzdálenosti asi 30 cm.\n"
                    "2. Podržte současně tlačítka **Zpět** a **Přehrát/Pozastavit** po dobu "
                    "tří sekund.\n"
                    "3. Na obrazovce se objeví hlášení o úspěšném spárování.\n\n"
                    "Pokud to nepomůže, zkontrolujte fotoaparátem v mobilu, zda infračervená "
                    "dioda na špičce ovladače při stisku bliká."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "petr.novak", "hours": 6,
             "body": "Funguje to, děkuji! Stačilo podržet obě tlačítka o něco déle."},
        ],
    },
    {
        "key": "slovak-refund",
        "author": "zuzana_h",
        "days_ago": 12,
        "title": "Kedy mi vrátia peniaze za vrátené slúchadlá?",
        "tags": ["returns", "refund", "slovak"],
        "body": (
            "Dobrý deň, pred týždňom som poslala späť bezdrôtové slúchadlá, pretože ľavé "
            "slúchadlo prestalo hrať. Zásielka podľa sledovania už dorazila do skladu, ale "
            "peniaze mi zatiaľ neprišli. Ako dlho to zvyčajne trvá?"
        ),
        "answers": [
            {
                "author": "staff_kim",
                "hours": 5,
                "body": (
                    "Dobrý deň, vrátený tovar najprv skontroluje náš sklad, čo trvá do troch "
                    "pracovných dní od doručenia. Potom peniaze pošleme rovnakým spôsobom, "
                    "akým ste platili:\n\n"
                    "- pri platbe kartou sa objavia na účte do **5 pracovných dní**,\n"
                    "- pri prevode z účtu do dvoch pracovných dní.\n\n"
                    "Stav vrátenia nájdete v časti *Môj účet → Objednávky*. Ak tam ešte nevidíte "
                    "zmenu, napíšte mi sem číslo objednávky a pozriem sa na to."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "zuzana_h", "hours": 50,
             "body": "Peniaze dnes prišli na účet. Ďakujem za rýchlu odpoveď!"},
        ],
    },
    {
        "key": "persian-laptop-keyboard",
        "author": "dariush_r",
        "days_ago": 8,
        "title": "چطور زبان صفحه‌کلید لپ‌تاپ را بین فارسی و انگلیسی عوض کنم؟",
        "tags": ["laptop", "keyboard", "persian"],
        "body": (
            "سلام. لپ‌تاپ جدیدم را تازه راه‌اندازی کرده‌ام و فقط صفحه‌کلید انگلیسی دارد. "
            "می‌خواهم فارسی هم اضافه کنم و با یک کلید میانبر بین دو زبان جابه‌جا شوم. "
            "ممنون می‌شوم راهنمایی کنید."
        ),
        "answers": [
            {
                "author": "shirin.m",
                "hours": 2,
                "body": (
                    "سلام. این مراحل را انجام دهید:\n\n"
                    "۱. به **Settings → Time & language → Language & region** بروید.\n"
                    "۲. روی *Add a language* بزنید و «فارسی» را انتخاب کنید.\n"
                    "۳. بعد از نصب، با کلیدهای `Win + Space` یا `Alt + Shift` بین فارسی و "
                    "انگلیسی جابه‌جا شوید.\n\n"
                    "اگر حروف فارسی روی کلیدها چاپ نشده، برچسب‌های شفاف صفحه‌کلید هم خیلی کمک "
                    "می‌کنند."
                ),
            },
        ],
        "comments": [
            {"on": 0, "author": "dariush_r", "hours": 3,
             "body": "خیلی ممنون، با Alt + Shift به‌راحتی عوض می‌شود."},
        ],
    },
]

# A moderator retags a thread a day after it was asked, so that thread, too,
# has an edit by someone other than its author in its history.
MODERATOR_RETAG = {
    "thread": "track-order",
    "author": "mod",
    "hours": 26,
    "tags": ["order-tracking", "shipping", "carrier"],
    "summary": "retagged",
}


@dataclass
class DemoCommunity:
    """What the loader created, so later steps (votes, accepted answers) can build on it."""

    users: dict[str, User] = field(default_factory=dict)
    questions: dict[str, Post] = field(default_factory=dict)
    answers: dict[str, list[Post]] = field(default_factory=dict)


def demo_present(session: Session) -> bool:
    return accounts.find_user_by_name(session, MARKER_USERNAME) is not None


def _at(days_ago: float, hours: float = 0) -> timedelta:
    """How far to move the clock back for an event `hours` after a thread began."""
    return timedelta(days=days_ago) - timedelta(hours=hours)


def _thread_events(thread: dict) -> list[tuple[timedelta, int, Callable[[DemoCommunity, Session], None]]]:
    """The events of one thread as (clock offset back from now, order, action)."""
    key, days = thread["key"], thread["days_ago"]

    def ask(community: DemoCommunity, session: Session) -> None:
        community.questions[key] = posting.ask_question(
            session, community.users[thread["author"]], thread["title"], thread["body"], thread["tags"]
        )
        community.answers[key] = []

    events = [(_at(days), 0, ask)]
    for spec in thread["answers"]:
        def answer(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            community.answers[key].append(posting.post_answer(
                session, community.users[spec["author"]], community.questions[key], spec["body"]
            ))
        events.append((_at(days, spec["hours"]), 1, answer))
    for spec in thread["comments"]:
        def comment(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            on = spec["on"]
            target = community.questions[key] if on == "question" else community.answers[key][on]
            posting.add_comment(session, community.users[spec["author"]], target, spec["body"])
        events.append((_at(days, spec["hours"]), 2, comment))
    edits = [thread["edit"]] if "edit" in thread else []
    if MODERATOR_RETAG["thread"] == key:
        edits.append(MODERATOR_RETAG)
    for spec in edits:
        def edit(community: DemoCommunity, session: Session, spec: dict = spec) -> None:
            posting.edit_post(
                session, community.users[spec["author"]], community.questions[key],
                body=spec.get("body"), tags=spec.get("tags"), summary=spec["summary"],
            )  # fmt: skip
        events.append((_at(days, spec["hours"]), 3, edit))
    return events


def build_community(session: Session) -> DemoCommunity:
    """Create the users and threads in time order, with the clock moved back to each moment."""
    community = DemoCommunity()
    for username, role, days_ago, about in USERS:
        with clock.travel(-timedelta(days=days_ago)):
            user = accounts.register_user(
                session, username, f"{username}@example.com", DEMO_PASSWORD, role
            )
        user.about = about
        community.users[username] = user
    events = [event for thread in THREADS for event in _thread_events(thread)]
    # Oldest first, so ids grow with time and each thread's activity ends last.
    for offset, _order, action in sorted(events, key=lambda e: (-e[0], e[1])):
        with clock.travel(-offset):
            action(community, session)
    session.flush()
    return community


def load_demo_data(session: Session, echo: Callable[[str], object] = print) -> bool:
    """Create the demo community once; False (and nothing changes) when it is already there."""
    if demo_present(session):
        return False
    community = build_community(session)
    add_votes_and_acceptance(session, community.users, community.questions, community.answers)
    session.commit()
    answers = sum(len(items) for items in community.answers.values())
    echo(
        f"created {len(community.users)} users, {len(community.questions)} questions and "
        f"{answers} answers; every demo account's password is {DEMO_PASSWORD!r}"
    )
    return True
