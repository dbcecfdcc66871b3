"""The common MSP problems the offline engine recognises, with first-line and next checks.

Patterns are matched case-insensitively on word boundaries. `related` names topics that are often
the same incident seen from another side (the VPN drops because the internet does), so a mention
of one during the other is never treated as a separate problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Topic:
    key: str
    name: str  # "the printer problem" reads as f"the {name} problem"
    patterns: tuple[str, ...]
    steps: tuple[str, ...]
    next_steps: tuple[str, ...]
    capture: str  # what to write down in the ticket
    related: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        joined = "|".join(f"(?:{p})" for p in self.patterns)
        object.__setattr__(self, "regex", re.compile(rf"\b(?:{joined})", re.IGNORECASE))

    def find(self, text: str) -> int | None:
        """Where in `text` this topic is first mentioned, or None."""
        match = self.regex.search(text)  # type: ignore[attr-defined]
        return match.start() if match else None


TOPICS: tuple[Topic, ...] = (
    Topic(
        key="printer",
        name="printer",
        patterns=(
            r"printers?\b",
            r"print(?:s|ing|ed)?\b",
            r"print (?:jobs?|queues?|server)",
            r"spooler",
            r"toner",
            r"paper jams?",
            r"jamm(?:ed|ing)",
            r"scanners?\b",
            r"scan(?:s|ning)? to (?:e-?mail|folder)",
            r"copiers?\b",
            r"mfps?\b",
        ),
        steps=(
            "Check the printer itself: powered on, no error on its display (paper jam, tray "
            "open, out of paper or toner). Print a configuration page from its panel.",
            "One user or everyone? If everyone, it is the printer or its network; if one user, "
            "it is that PC's queue or driver.",
            "Confirm it is on the network: take the IP from the configuration page and ping it "
            "(or open its web page) from the user's PC. No reply: check the cable or Wi-Fi and "
            "power-cycle the printer.",
            "On the PC (Settings › Printers & scanners): make sure the queue is not paused or set "
            "to *Use printer offline*, and cancel any stuck jobs.",
            "Restart the Print Spooler service (on the print server if the queue is shared); if "
            "jobs will not delete, stop it and clear C:\\Windows\\System32\\spool\\PRINTERS.",
            "Check the queue's port matches the printer's current IP; a DHCP change breaks it. "
            "Give the printer a DHCP reservation or a static IP.",
        ),
        next_steps=(
            "Remove and re-add the printer on the affected PC with the current driver "
            "(type 4 / universal driver if the model supports it).",
            "On a print server, check Event Viewer › PrintService › Admin for driver crashes and "
            "set the driver to isolated mode if the spooler keeps stopping.",
            "Update the printer's firmware; repeated jams or streaks after a clean path point to "
            "a hardware fault (fuser, rollers) — book the vendor or leasing company.",
        ),
        capture="printer model and IP, whether it affects one user or everyone, and the error on "
        "the printer's display",
    ),
    Topic(
        key="email",
        name="email",
        patterns=(
            r"outlook",
            r"e-?mails?\b",
            r"mailbox(?:es)?",
            r"inbox",
            r"exchange",
            r"shared calendars?",
            r"calendars?\b",
            r"\.?ost file",
            r"autodiscover",
            r"owa\b",
            r"webmail",
        ),
        steps=(
            "Check Outlook on the web with the same account. Mail current there: the mailbox is "
            "fine and the problem is the Outlook client. Missing there too: look at the mailbox "
            "and Microsoft 365 Service health.",
            "Read Outlook's status bar: *Working Offline* (Send/Receive › Work Offline), "
            "*Disconnected* or *Need password* — sign in again if it asks.",
            "Close Outlook, end any OUTLOOK.EXE left in Task Manager and start it again; then try "
            "`outlook.exe /safe` to rule out add-ins.",
            "Check the mailbox size: a mailbox over its quota stops sending and receiving — "
            "empty Deleted Items or turn on archiving.",
            "Rebuild the local cache: with Outlook closed, rename the .ost file in "
            "%localappdata%\\Microsoft\\Outlook (or create a new profile in Control Panel › Mail) "
            "and let it resync.",
        ),
        next_steps=(
            "Run Microsoft's Support and Recovery Assistant (SaRA) for Outlook and clear stale "
            "Office entries in Windows Credential Manager.",
            "For missing or delayed mail, run a message trace in the Exchange admin center.",
            "Test Autodiscover (Ctrl+right-click the Outlook tray icon › Test E-mail "
            "AutoConfiguration) and repair Office (Quick Repair, then Online Repair).",
        ),
        capture="the exact error or status-bar text, whether Outlook on the web works, and the "
        "mailbox size",
        related=frozenset({"password"}),
    ),
    Topic(
        key="vpn",
        name="VPN",
        patterns=(
            r"vpns?\b",
            r"anyconnect",
            r"globalprotect",
            r"forticlient",
            r"openvpn",
            r"wireguard",
            r"remote access",
            r"site-to-site",
            r"ipsec",
            r"tunnels?\b",
        ),
        steps=(
            "Confirm the user's own internet works without the VPN (browse a few sites, run a "
            "speed test). Hotel and guest Wi-Fi often block VPN ports or need a captive-portal "
            "login first.",
            "Get the exact error from the VPN client and the time it dropped; check the client's "
            "log.",
            "Rule out credentials: an expired password or an MFA prompt that timed out looks like "
            "a VPN failure. Try signing in to another company service.",
            "Quit the VPN client completely, restart the PC and reconnect; make sure the client is "
            "the current version.",
            "Is it everyone? Check the firewall / VPN gateway: service up, licence or "
            "concurrent-user limit, certificate expiry.",
            "For regular drops: try a wired connection or another network and turn off Wi-Fi "
            "power saving on the adapter.",
        ),
        next_steps=(
            "Check the firewall's VPN logs for the user's session at the time of the drop "
            "(idle timeout, rekey failure, DPD).",
            "For site-to-site tunnels: check both WAN links, phase 1 and phase 2 status, matching "
            "proposals and pre-shared key, and whether a peer's public IP changed.",
            "If large transfers hang but small pages load, test the MTU (ping -f -l 1400 to the "
            "far side) and lower it on the tunnel.",
        ),
        capture="the VPN client and version, the exact error, the user's network (home, hotel, "
        "4G) and when it drops",
        related=frozenset({"network", "fileshare"}),
    ),
    Topic(
        key="network",
        name="internet / Wi-Fi",
        patterns=(
            r"internet",
            r"wi-?fi",
            r"wireless",
            r"ethernet",
            r"dns\b",
            r"dhcp",
            r"access points?",
            r"routers?\b",
            r"modems?\b",
            r"isp\b",
            r"dead zones?",
            r"no (?:network|connection|connectivity)",
            r"network (?:is )?(?:down|drops?|dropping|outage|issues?|problems?)",
            r"(?:can'?t|cannot|unable to) get online",
        ),
        steps=(
            "Scope it: one device, one area or the whole site? Whole site points to the "
            "ISP, modem or firewall; one device points to that device.",
            "Whole site: check the link lights on the modem, firewall and switch, check the ISP's "
            "status page, then power-cycle the modem and then the firewall.",
            "On an affected PC run `ipconfig /all`: a 169.254.x.x address means no DHCP lease "
            "(check the DHCP server and its scope).",
            "Then `ping` the gateway, `ping 8.8.8.8` and `nslookup` a website — that separates "
            "the local link, the internet route and DNS.",
            "Wi-Fi: forget and rejoin the network, check the signal where the user sits and try "
            "another access point or band; check the controller shows the APs online.",
            "`ipconfig /release`, `/renew` and `/flushdns`, disable and re-enable the adapter, "
            "and update the network driver if it is one device.",
        ),
        next_steps=(
            "Open a ticket with the ISP with the circuit ID and what you tested; check whether "
            "WAN failover kicked in.",
            "Check the firewall and switch logs for the time of the outage (link flaps, DHCP "
            "scope exhausted, loop detection).",
            "For dead zones, run a quick survey with a Wi-Fi analyser app and move or add an "
            "access point.",
        ),
        capture="which devices or areas are affected, the IP settings of an affected device and "
        "the ping/nslookup results",
        related=frozenset({"vpn", "teams", "phones"}),
    ),
    Topic(
        key="backup",
        name="backup",
        patterns=(
            r"backups?\b",
            r"back(?:ed)? up\b(?! and running)",
            r"veeam",
            r"datto",
            r"acronis",
            r"restore points?",
            r"vss\b",
            r"shadow cop(?:y|ies)",
            r"snapshots?\b",
        ),
        steps=(
            "Read the job's error in the backup console or alert: the exact message, which step "
            "failed and when it last succeeded.",
            "Check the destination: free space on the repository, NAS or cloud target and that "
            "it is reachable (share path, credentials, internet for cloud).",
            "Check VSS on the protected machine: `vssadmin list writers` — a writer in a failed "
            "state usually clears by restarting its service or rebooting in a maintenance window.",
            "Confirm the machine was on and the backup agent service was running at the scheduled "
            "time, and the agent is current and licensed.",
            "Run the job manually and watch it; if it succeeds, check the next scheduled run too.",
        ),
        next_steps=(
            "Check the backup chain and retention: a broken chain may need an active full.",
            "Look up the vendor's knowledge base for the exact error code.",
            "Once it succeeds, verify a test restore of a file so you know the backup is usable.",
        ),
        capture="the job name, the exact error, when it last succeeded and the free space on the "
        "target",
        related=frozenset({"disk"}),
    ),
    Topic(
        key="disk",
        name="disk space",
        patterns=(
            r"disk space",
            r"low disk",
            r"(?:disk|drive|volume|storage) (?:is )?(?:full|almost full|nearly full)",
            r"out of (?:disk )?space",
            r"free space",
            r"\d+\s?% free",
            r"[a-z]: drive (?:is )?(?:full|almost full|nearly full)",
            r"running out of (?:disk|storage|space)",
        ),
        steps=(
            "Confirm which volume and how much is free; on a server, tell sudden growth (logs, a "
            "runaway process) from steady growth.",
            "Run Disk Cleanup as administrator with *Clean up system files* (old Windows Update "
            "files) or Storage Sense.",
            "Find what is big with TreeSize or WinDirStat. Usual suspects: Downloads and Temp, "
            "C:\\Windows\\SoftwareDistribution, application/IIS/SQL logs, old user profiles, "
            "shadow copy storage.",
            "Remove or move it safely: archive and rotate logs, remove stale profiles, cap shadow "
            "storage with `vssadmin resize shadowstorage`.",
            "If the disk is simply too small, extend the volume (VM) or plan a larger disk.",
        ),
        next_steps=(
            "For SQL servers, check database log files: a full recovery model without log backups "
            "grows forever.",
            "Set log rotation and a scheduled cleanup so it does not come back.",
            "Adjust the monitoring threshold or add capacity planning for the volume.",
        ),
        capture="the volume, free space before and after, and what was using the space",
        related=frozenset({"slow", "backup"}),
    ),
    Topic(
        key="password",
        name="password / sign-in",
        patterns=(
            r"passwords?\b",
            r"locked out",
            r"lock(?:ed)?-?out",
            r"account (?:is )?locked",
            r"(?:can'?t|cannot|unable to) (?:log|sign) ?(?:in|on)",
            r"mfa\b",
            r"2fa\b",
            r"multi-?factor",
            r"authenticator",
        ),
        steps=(
            "Verify the caller's identity under your verification policy before changing "
            "anything on the account.",
            "Check the account in Active Directory / Entra ID: locked, disabled, password "
            "expired or sign-in blocked.",
            "Unlock it; for a reset, set a temporary password with *must change at next sign-in* "
            "and share it through an approved channel.",
            "If it keeps locking, find the source: lockout events (4740) on the domain "
            "controller or the Entra sign-in logs. Usual culprits: an old password on a phone's "
            "mail app, a mapped drive or a scheduled task.",
            "MFA trouble: check the registered methods and re-register the Authenticator app if "
            "the user changed phones.",
        ),
        next_steps=(
            "Check conditional access policies and the sign-in log's failure reason for the "
            "exact block.",
            "Turn on self-service password reset so the next one does not need a ticket.",
        ),
        capture="how the identity was verified, the account state found and what was changed",
        related=frozenset({"email"}),
    ),
    Topic(
        key="slow",
        name="slow computer",
        patterns=(
            r"slow(?:ly|ness)?\b",
            r"sluggish",
            r"laggy",
            r"lagging",
            r"freez(?:e|es|ing)",
            r"frozen",
            r"hang(?:s|ing)\b",
            r"takes forever",
            r"high cpu",
            r"100\s?% (?:cpu|disk)",
            r"performance",
        ),
        steps=(
            "Ask what exactly is slow (start-up, one application, everything) and since when — "
            "after an update or a new install?",
            "Open Task Manager and sort by CPU, Memory and Disk; note the process at the top. "
            "100% disk on a spinning hard drive is a classic.",
            "Do a real restart (Fast Startup keeps the uptime counting — check it in Task "
            "Manager › Performance).",
            "Check free disk space (under 10% free slows everything) and install pending "
            "Windows updates.",
            "Disable unneeded start-up apps (Task Manager › Startup) and run an antivirus/EDR scan.",
            "Check the hardware: enough RAM for the workload, the drive's SMART health, and a "
            "laptop throttling on battery or with blocked vents.",
        ),
        next_steps=(
            "Look in Event Viewer › System for disk, controller or WHEA errors.",
            "An HDD or 4–8 GB RAM in a business PC: quote an SSD/RAM upgrade or replacement.",
            "If the OS is badly degraded, back up the user's data and reimage.",
        ),
        capture="what is slow, the top process in Task Manager, free disk space and uptime",
        related=frozenset({"disk"}),
    ),
    Topic(
        key="teams",
        name="Teams / meeting audio",
        patterns=(
            r"teams\b",
            r"zoom\b",
            r"webex",
            r"microphones?",
            r"\bmic\b",
            r"headsets?",
            r"webcams?",
            r"(?:no )?(?:audio|sound)\b",
            r"calls? (?:are |keeps? )?(?:dropping|drops?|cutting out)",
        ),
        steps=(
            "In the app's Settings › Devices, check the right speaker, microphone and camera are "
            "selected, and make a test call.",
            "Check the headset: reconnect it (another USB port, re-pair Bluetooth) and check "
            "Windows Sound settings and the mic privacy switch.",
            "Quit the app fully, update it and restart; for Teams, clearing its cache fixes many "
            "oddities.",
            "Dropping calls: test the network where the user sits (Wi-Fi signal, a wired "
            "connection) and make sure meeting traffic is not forced through the VPN.",
        ),
        next_steps=(
            "Check the Teams admin center's call quality data for the user's calls (jitter, "
            "packet loss).",
            "Try another headset to separate hardware from software.",
        ),
        capture="the app and version, the device used and whether other apps hear the microphone",
        related=frozenset({"network"}),
    ),
    Topic(
        key="fileshare",
        name="shared drive",
        patterns=(
            r"shared drives?",
            r"mapped drives?",
            r"network drives?",
            r"file shares?",
            r"shared folders?",
            r"[a-z]: drive(?! (?:is )?(?:full|almost|nearly))",
            r"sharepoint",
            r"onedrive",
            r"access (?:is )?denied",
        ),
        steps=(
            "Can others reach the same share? If nobody can, check the file server (up, disk "
            "space, Server service) first.",
            "If the user is remote, confirm the VPN is connected — mapped drives need it.",
            "Open the UNC path directly (\\\\server\\share): if that works, remap the drive "
            "(`net use`) or reapply the GPO (`gpupdate /force`).",
            "Access denied: check the user's group membership and the share/NTFS permissions; a "
            "new group membership needs a sign-out and sign-in.",
            "OneDrive/SharePoint: check the OneDrive sync status icon and sign in again if it "
            "is paused or shows an error.",
        ),
        next_steps=(
            "Check Credential Manager for a stale saved credential to the file server.",
            "Look at the file server's event log for SMB errors around the time of the failure.",
        ),
        capture="the share path, the exact error and whether other users are affected",
        related=frozenset({"vpn"}),
    ),
    Topic(
        key="phones",
        name="phone",
        patterns=(
            r"desk ?phones?",
            r"voip",
            r"phone system",
            r"dial tone",
            r"softphones?",
            r"yealink",
            r"polycom",
            r"3cx",
        ),
        steps=(
            "Check the phone's display: registered, or an error such as *No service* or "
            "*Network unavailable*.",
            "Check the cable and PoE: swap the port on the switch or use the phone's power "
            "adapter.",
            "Reboot the phone; if several phones are affected, check the PBX/hosted voice "
            "provider's status page.",
            "One-way audio or dropped calls usually mean NAT or SIP ALG on the firewall — check "
            "SIP ALG is disabled.",
        ),
        next_steps=(
            "Open a ticket with the voice provider with the affected extensions and call times.",
        ),
        capture="the extension, the phone's display message and whether other phones are affected",
        related=frozenset({"network"}),
    ),
    Topic(
        key="hardware",
        name="hardware",
        patterns=(
            r"monitors?\b",
            r"screens?\b",
            r"displays?\b",
            r"keyboards?",
            r"mouse\b",
            r"docking stations?",
            r"docks?\b",
            r"projectors?",
            r"blue ?screens?",
            r"bsod",
            r"(?:won'?t|doesn'?t|does not|will not) (?:turn|power|switch) on",
            r"no power",
        ),
        steps=(
            "Check power and cables first: a different outlet, the cable reseated at both ends, "
            "the monitor's input source.",
            "Swap in a known-good cable, monitor, keyboard or dock to find the faulty part.",
            "For a dock: unplug it from power for 30 seconds, update its firmware and the "
            "laptop's dock/graphics drivers.",
            "Blue screens: note the stop code, check for recent driver or Windows updates and "
            "run the vendor's hardware diagnostics.",
        ),
        next_steps=(
            "Check the warranty status with the serial number and log a vendor hardware claim.",
            "Arrange a loaner device if the user cannot work meanwhile.",
        ),
        capture="the device model and serial number, what was swapped and the result",
    ),
)

BY_KEY = {t.key: t for t in TOPICS}


def find_topics(text: str) -> list[Topic]:
    """The topics `text` mentions, in the order it mentions them."""
    found = [(pos, i, t) for i, t in enumerate(TOPICS) if (pos := t.find(text)) is not None]
    return [t for _, _, t in sorted(found, key=lambda item: (item[0], item[1]))]


def related_keys(keys: set[str]) -> set[str]:
    """`keys` and every topic related to one of them."""
    result = set(keys)
    for key in keys:
        topic = BY_KEY.get(key)
        if topic:
            result |= topic.related
    for topic in TOPICS:
        if topic.related & keys:
            result.add(topic.key)
    return result
