//! Nederlandse teksten.

use super::Texts;

fn reconnect_notification_body(name: &str) -> String {
    format!(
        "Exact Online accepteert de koppeling van {name} niet meer. Koppel opnieuw zodat je assistenten je administraties kunnen blijven lezen."
    )
}
fn connection_ok(name: &str) -> String {
    format!("Exact Online antwoordde voor {name}.")
}
fn quota_warning_title(level: i64) -> String {
    if level >= 100 {
        "Je hebt alle tool-aanroepen van deze maand gebruikt".to_string()
    } else {
        format!("Je hebt {level} % van de tool-aanroepen van deze maand gebruikt")
    }
}
fn quota_warning_body(level: i64, plan: &str, quota: u64, resets: &str) -> String {
    if level >= 100 {
        format!(
            "Je {plan}-abonnement bevat {quota} tool-aanroepen per maand en die zijn allemaal gebruikt. Je assistenten krijgen een foutmelding tot het tegoed op {resets} (UTC) opnieuw begint, tenzij je een groter abonnement kiest."
        )
    } else {
        format!(
            "Je {plan}-abonnement bevat {quota} tool-aanroepen per maand en {level} % daarvan is gebruikt. Het tegoed begint op {resets} (UTC) opnieuw; een groter abonnement geeft meer."
        )
    }
}
fn key_limit_reached(n: u32) -> String {
    format!(
        "Je abonnement staat {n} API-sleutels toe. Trek er eerst een in, of kies een groter abonnement."
    )
}

fn division_cap_reached(n: u32) -> String {
    format!(
        "Je abonnement staat {n} actieve administraties toe. Deactiveer er eerst een, of kies een groter abonnement."
    )
}

fn calls_per_month(n: u64) -> String {
    format!("{n} tool-aanroepen per maand")
}
fn calls_per_minute(n: u32) -> String {
    format!("{n} aanroepen per minuut")
}
fn active_divisions(n: u32) -> String {
    format!("{n} actieve administraties")
}
fn email_change_sent(to: &str) -> String {
    format!(
        "We hebben een bevestigingslink naar {to} gestuurd. Je adres verandert zodra je die opent (binnen 24 uur)."
    )
}
fn mail_reset_body(link: &str) -> String {
    format!(
        "Iemand (hopelijk jij) heeft gevraagd het wachtwoord van je exact-mcp-account opnieuw in te stellen.\n\n\
         Kies hier binnen 30 minuten een nieuw wachtwoord:\n{link}\n\n\
         Was jij dit niet? Negeer deze mail dan: je wachtwoord blijft zoals het is."
    )
}
fn mail_verify_body(new_email: &str, link: &str) -> String {
    format!(
        "Iemand (hopelijk jij) heeft gevraagd het e-mailadres van een exact-mcp-account te wijzigen in {new_email}.\n\n\
         Bevestig de wijziging binnen 24 uur:\n{link}\n\n\
         Was jij dit niet? Negeer deze mail dan: er verandert niets."
    )
}
fn mail_email_changed_body(new_email: &str) -> String {
    format!(
        "Het e-mailadres van je exact-mcp-account is gewijzigd in {new_email}.\n\n\
         Heb je dit niet zelf gedaan? Stel dan direct een nieuw wachtwoord in en neem contact op met support."
    )
}

fn usage_of_quota(n: u64) -> String {
    format!("van de {n} aanroepen in je abonnement")
}
fn usage_resets_on(day: &str) -> String {
    format!("De teller begint opnieuw op {day} (00:00 UTC).")
}
fn usage_rate_state(remaining: u32, limit: u32) -> String {
    format!("nog {remaining} van {limit} aanroepen deze minuut")
}
fn usage_day_summary(day: &str, calls: u64, errors: u64, rejected: u64) -> String {
    format!("{day}: {calls} aanroepen, {errors} mislukt, {rejected} geweigerd")
}
pub static TEXTS: Texts = Texts {
    skip_to_content: "Naar de inhoud",
    nav_main: "Hoofdmenu",
    nav_how: "Hoe het werkt",
    nav_tools: "Tools",
    nav_pricing: "Prijzen",
    nav_security: "Beveiliging",
    sign_in: "Inloggen",
    get_started: "Aan de slag",
    open_menu: "Menu openen",
    footer_tagline: "exact-mcp — alleen-lezen toegang tot Exact Online voor AI-assistenten.",
    footer_note: "Niet verbonden aan Exact. Je tokens worden versleuteld opgeslagen.",
    theme_toggle_label: "Wissel tussen licht en donker thema",
    theme_toggle_title: "Thema wisselen",
    language_label: "Taal",

    landing_title: "Exact Online voor je AI-assistent",
    landing_description: "Koppel Exact Online aan Claude, ChatGPT, Cursor en elke MCP-client. Alleen-lezen, versleuteld en per abonnement bemeterd.",
    hero_kicker: "Model Context Protocol-server voor Exact Online",
    hero_heading: "Vraag je AI-assistent naar je boekhouding — en krijg antwoord uit Exact Online.",
    hero_lead: "exact-mcp verbindt Claude, ChatGPT, Cursor en elke andere MCP-client met je Exact Online-administraties. Openstaande facturen, winst en verlies, de betaalhistorie van een klant: je assistent leest ze via een sleutel die jij beheert, en schrijft nooit iets.",
    hero_cta_how: "Bekijk hoe het werkt",
    hero_cta_pricing: "Abonnementen en prijzen",
    hero_cta_try: "Probeer het nu",
    how_heading: "Hoe het werkt",
    how_steps: [
        (
            "Maak een account",
            "Registreer met je e-mailadres, of log in met je Exact Online-account.",
        ),
        (
            "Koppel Exact Online",
            "Geef toestemming op de pagina van Exact zelf en kies welke administraties je assistent mag lezen.",
        ),
        (
            "Plak een snippet",
            "Maak een API-sleutel en plak het kant-en-klare fragment in Claude, Cursor of ChatGPT.",
        ),
    ],
    tools_heading: "Wat je assistent kan lezen",
    tools_lead: "Elke tool leest alleen. Resultaten komen met totalen en gaan verder waar een lange lijst ophield, zodat er nooit stilletjes iets wegvalt.",
    tools: [
        (
            "Relaties",
            "Zoek klanten en leveranciers, met een 360°-beeld van één klant.",
        ),
        (
            "Facturen",
            "Verkoop- en inkoopfacturen, openstaande posten en ouderdom.",
        ),
        (
            "Grootboek",
            "Rekeningschema, transactieregels en memoriaalboekingen.",
        ),
        (
            "Rapportages",
            "Winst en verlies, een financiële momentopname en kasstroomoverzicht.",
        ),
        ("Artikelen", "Artikelen, prijzen en voorraadposities."),
        (
            "Prompts",
            "Kant-en-klare analyses: gezondheidscheck, debiteurenbeheer, btw-voorbereiding.",
        ),
    ],
    plans_heading: "Abonnementen",
    calls_per_month,
    unlimited_calls: "Onbeperkt tool-aanroepen",
    calls_per_minute,
    active_divisions,
    unlimited_divisions: "Onbeperkt administraties",
    estimator_label: "Hoeveel vragen stelt je assistent per maand aan Exact?",
    recommended_plan: "Aanbevolen abonnement:",
    security_heading: "Gebouwd voor de sleutels van je boekhouding",
    security_points: [
        (
            "Alleen-lezen",
            "De tools lezen alleen. Er wordt niets in je administratie aangemaakt, gewijzigd of verwijderd.",
        ),
        (
            "Versleutelde tokens",
            "De tokens van Exact worden met AES-256-GCM opgeslagen en veilig ververst; ze bereiken je assistent nooit.",
        ),
        (
            "Jouw sleutels, jouw limieten",
            "Elke aanroep wordt met je API-sleutel geauthenticeerd, begrensd en op je dashboard getoond.",
        ),
    ],

    email_label: "E-mailadres",
    password_label: "Wachtwoord",
    name_label: "Je naam",
    login_title: "Inloggen",
    forgot_link: "Wachtwoord vergeten?",
    no_account: "Nog geen account?",
    create_one: "Maak er een",
    register_title: "Maak je account",
    password_hint: "Minstens 12 tekens. Een paar losse woorden werkt goed.",
    create_account: "Account maken",
    have_account: "Heb je al een account?",
    forgot_title: "Wachtwoord opnieuw instellen",
    forgot_email_label: "E-mailadres van je account",
    send_link: "Stuur me een link",
    outbox_before: "Ontwikkeling: er is geen mailserver ingesteld, dus de mail staat in de",
    outbox_link: "outbox",
    reset_title: "Kies een nieuw wachtwoord",
    new_password_label: "Nieuw wachtwoord",
    reset_hint: "Minstens 12 tekens. Andere sessies worden beëindigd als je opslaat.",
    save_new_password: "Nieuw wachtwoord opslaan",
    password_was_reset: "Je wachtwoord is gewijzigd. Log in met het nieuwe.",

    dashboard_nav: "Dashboard",
    section_overview: "Overzicht",
    section_connections: "Koppelingen",
    section_keys: "API-sleutels",
    section_usage: "Gebruik",
    section_settings: "Instellingen",
    sign_out: "Uitloggen",
    loading: "Laden…",
    signed_in_as: "Ingelogd als",
    plan_word: "abonnement",
    admin_panel_link: "beheerpaneel",

    change_email_heading: "E-mailadres wijzigen",
    change_email_lead: "We sturen een link naar het nieuwe adres; de wijziging gaat in zodra je die opent.",
    new_email_label: "Nieuw e-mailadres",
    current_password_label: "Huidig wachtwoord",
    change_email_button: "Bevestigingslink sturen",
    change_password_heading: "Wachtwoord wijzigen",
    change_password_button: "Wachtwoord wijzigen",
    sessions_heading: "Sessies",
    sessions_lead: "Ingelogd op een computer die je niet meer gebruikt? Beëindig alle sessies, ook deze.",
    sign_out_everywhere: "Overal uitloggen",
    data_heading: "Je gegevens",
    data_lead: "Alles wat we over je bewaren, als JSON (zonder wachtwoorden, sleutels en tokens).",
    download_data: "Mijn gegevens downloaden",
    delete_heading: "Account verwijderen",
    delete_lead: "Dit verwijdert je sessies, API-sleutels, Exact-koppelingen en hun tokens. Gebruikstotalen blijven bewaard zonder je naam. Dit kan niet ongedaan worden gemaakt.",
    delete_confirm_label: "Typ je e-mailadres ter bevestiging",
    delete_button: "Mijn account verwijderen",

    verify_email_title: "Bevestig je nieuwe e-mailadres",
    verify_email_lead: "Druk op de knop om dit het e-mailadres van je account te maken.",
    verify_email_button: "Nieuw adres bevestigen",
    email_changed: "Je e-mailadres is gewijzigd.",

    admin_title: "Beheerpaneel",
    admin_lead: "Hier beheer je gebruikers, abonnementen, gebruik, tickets, taken en het auditlogboek.",
    admin_users_heading: "Gebruikers",
    admin_col_email: "E-mail",
    admin_col_name: "Naam",
    admin_col_role: "Rol",
    admin_col_plan: "Abonnement",
    admin_col_status: "Status",

    // Admin: scheduled jobs
    admin_jobs_heading: "Geplande taken",
    admin_jobs_lead: "Elke taak draait één keer per tijdvak, over alle servers samen. Nu uitvoeren gebruikt een eigen tijdvak en laat het geplande met rust.",
    admin_jobs_col_job: "Taak",
    admin_jobs_col_schedule: "Schema (cron, UTC)",
    admin_jobs_col_slot: "Tijdvak",
    admin_jobs_col_status: "Resultaat",
    admin_jobs_col_started: "Gestart",
    admin_jobs_col_counts: "Verwerkt / mislukt",
    admin_jobs_col_message: "Samenvatting",
    admin_jobs_never_run: "Nog niet uitgevoerd.",
    admin_jobs_run_now: "Nu uitvoeren",
    admin_jobs_ran: |slot, status| format!("Uitgevoerd in tijdvak {slot}: {status}."),
    admin_jobs_unknown: "Er is geen taak met die naam.",
    admin_job_token_keepalive: "Vernieuwt Exact-tokens voordat ze verlopen.",
    admin_job_token_expiry_check: "Waarschuwt eigenaren van wie de koppeling binnen 5 dagen verloopt.",
    admin_job_monthly_reset: "Zet de maandteller en waarschuwingen van elk account terug.",
    admin_job_cleanup: "Verwijdert verlopen sessies, links en sleutels, en oude gebruiksgegevens en runs.",
    token_expiry_ticket_subject: "Koppeling met Exact Online verloopt binnenkort",
    token_expiry_notification_title: "Je koppeling met Exact Online verloopt binnenkort",
    token_expiry_body: |name, date| {
        format!(
            "De koppeling van {name} met Exact Online kon niet worden vernieuwd en verloopt op {date} (UTC). Koppel opnieuw zodat je assistenten je administraties kunnen blijven lezen."
        )
    },
    token_expiry_mail_subject: "Je koppeling met Exact Online verloopt binnenkort",
    token_expiry_mail_body: |name, date, link| {
        format!(
            "Hallo,\n\nDe koppeling van {name} met Exact Online kon niet worden vernieuwd en verloopt op {date} (UTC). Daarna kunnen je assistenten je administraties niet meer lezen.\n\nKoppel opnieuw via: {link}\n\nexact-mcp\n"
        )
    },
    admin_tickets_heading: "Open tickets",
    admin_tickets_col_subject: "Onderwerp",
    admin_tickets_col_user: "Account",
    admin_tickets_none: "Geen open tickets.",

    not_found_title: "Pagina niet gevonden",
    not_found_heading: "Deze pagina bestaat niet",
    not_found_text: "De link is misschien verouderd, of het adres verkeerd getypt. Er is niets verloren: je gegevens en koppelingen staan waar je ze liet.",
    error_500_title: "Er ging iets mis",
    error_500_heading: "Er ging bij ons iets mis",
    error_500_text: "We hebben het probleem vastgelegd. Probeer het zo nog eens; niets wat je bewaarde is verloren.\nBlijft het gebeuren, neem dan contact op met support en noem het request-id uit dit antwoord.",
    back_to_start: "Terug naar de startpagina",

    something_went_wrong: "Er ging iets mis; probeer het opnieuw.",
    please_sign_in: "Log eerst in.",
    admins_only: "Dit is alleen voor beheerders.",
    login_failed: "Dat e-mailadres en wachtwoord horen niet bij een account.",
    login_throttled: "Te veel mislukte inlogpogingen. Wacht 15 minuten en probeer het opnieuw, of stel je wachtwoord opnieuw in.",
    email_taken: "Er bestaat al een account met dit e-mailadres.",
    no_such_account: "Er is geen account met dit e-mailadres.",
    reset_sent: "Als er een account met dat adres bestaat, hebben we er een link naartoe gestuurd om een nieuw wachtwoord te kiezen. De link werkt één keer, 30 minuten lang.",
    password_changed: "Wachtwoord gewijzigd. Je bent overal anders uitgelogd.",
    email_change_sent,
    problem_invalid_email: "Vul een geldig e-mailadres in, zoals naam@bedrijf.nl.",
    problem_password_short: "Gebruik minstens 12 tekens voor het wachtwoord.",
    problem_password_long: "Gebruik hoogstens 256 tekens voor het wachtwoord.",
    problem_password_common: "Dit wachtwoord komt te vaak voor; kies er een dat moeilijk te raden is.",
    problem_name_long: "Gebruik hoogstens 100 tekens voor je naam.",
    problem_wrong_current_password: "Dat is niet je huidige wachtwoord.",
    problem_reset_link: "Deze link is ongeldig, al gebruikt of verlopen. Vraag een nieuwe aan.",
    problem_confirm_email: "Typ het e-mailadres van je account ter bevestiging.",
    problem_email_link: "Deze bevestigingslink is ongeldig, al gebruikt of verlopen. Wijzig je adres opnieuw in de instellingen.",
    problem_same_email: "Dat is al je e-mailadres.",

    mail_reset_subject: "Stel je exact-mcp-wachtwoord opnieuw in",
    mail_reset_body,
    mail_verify_subject: "Bevestig je nieuwe e-mailadres voor exact-mcp",
    mail_verify_body,
    mail_email_changed_subject: "Je e-mailadres bij exact-mcp is gewijzigd",
    mail_email_changed_body,

    connect_success: "Exact Online is gekoppeld.",
    oauth_error_heading: "Exact Online is niet gekoppeld",
    oauth_error_state: "Deze koppelpoging is verlopen of al gebruikt. Begin opnieuw.",
    oauth_error_denied: "Je hebt in Exact Online geen toegang gegeven, dus er is niets gekoppeld.",
    oauth_error_exchange: "Exact Online heeft de koppeling niet afgerond. Probeer het zo nog eens.",
    oauth_error_region: "Die Exact Online-regio kennen we niet.",
    oauth_error_email_taken: "Er bestaat al een exact-mcp-account met het e-mailadres van deze Exact-gebruiker. Log eerst in met je wachtwoord en koppel Exact Online daarna vanuit je dashboard.",
    oauth_error_account: "Dit account kan nu niet gebruikt worden. Neem contact op met support.",
    oauth_back_connections: "Terug naar je koppelingen",
    oauth_back_login: "Terug naar inloggen",
    reconnect_notification_title: "Koppel Exact Online opnieuw",
    sign_in_with_exact: "Inloggen met Exact Online",
    connections_lead: "Koppel de Exact Online-administraties die je assistenten mogen lezen. Tokens worden versleuteld bewaard en je kunt altijd ontkoppelen.",
    connections_empty: "Nog geen Exact Online-koppeling.",
    connect_button: "Exact Online koppelen",
    region_label: "Regio",
    connection_status_active: "Actief",
    connection_status_needs_reauth: "Opnieuw toestemming nodig",
    connection_exact_user: "Exact-gebruiker",
    connection_token_expiry: "Toegangstoken geldig tot",
    connection_refresh_expiry: "Autorisatie geldig tot",
    connection_last_used: "Laatst gebruikt",
    never: "nooit",
    divisions_heading: "Administraties",
    division_default: "Standaard",
    division_make_default: "Maak standaard",
    division_active: "Actief",
    division_inactive: "Inactief",
    division_activate: "Activeren",
    division_deactivate: "Deactiveren",
    reconnect_button: "Opnieuw koppelen",
    disconnect_button: "Ontkoppelen",
    disconnect_confirm: "Deze Exact Online-koppeling ontkoppelen? De tokens worden verwijderd en je assistenten verliezen toegang tot de administraties.",
    check_connection_button: "Koppeling testen",
    connection_check_failed: "Exact Online antwoordde niet zoals verwacht. Probeer het over een minuut nog eens.",
    connection_needs_reauth_message: "Exact Online accepteert deze koppeling niet meer. Koppel opnieuw om verder te gaan.",
    connection_not_found: "Die koppeling bestaat niet meer.",
    disconnected: "Ontkoppeld. De tokens zijn verwijderd.",
    saved: "Opgeslagen.",
    cancel: "Annuleren",
    reconnect_notification_body,
    connection_ok,
    division_cap_reached,
    key_name_empty: "Geef de sleutel een naam, bijvoorbeeld de app waarin je hem gebruikt.",
    key_name_long: "Een sleutelnaam is hoogstens 60 tekens.",
    key_name_control: "Een sleutelnaam mag geen regeleinden of stuurtekens bevatten.",
    key_not_found: "Die API-sleutel bestaat niet of is al ingetrokken.",
    key_revoked: "De sleutel is ingetrokken; apps die hem gebruiken worden vanaf nu geweigerd.",
    demo_key_limit: "Te veel demosleutels vanaf jouw adres. Probeer het over een uur opnieuw.",
    key_limit_reached,
    quota_warning_title,
    quota_warning_body,
    keys_lead: "Met een API-sleutel gebruikt een AI-assistent exact-mcp namens jou. Geef elke app een eigen sleutel, dan kun je er een intrekken zonder de andere te raken.",
    key_name_label: "Naam van de nieuwe sleutel",
    key_name_placeholder: "bijv. Claude Desktop op mijn laptop",
    create_key_button: "Sleutel maken",
    new_key_heading: "Je nieuwe API-sleutel",
    new_key_warning: "Kopieer hem nu en bewaar hem veilig: hij wordt niet nog eens getoond. Wij bewaren alleen een vingerafdruk ervan.",
    keys_heading: "Je sleutels",
    keys_empty: "Nog geen API-sleutels. Maak er een om een assistent te koppelen.",
    key_created: "Gemaakt",
    key_last_used: "Laatst gebruikt",
    revoke_button: "Intrekken",
    revoke_confirm: "Deze sleutel intrekken? Apps die hem gebruiken worden vanaf nu geweigerd. Dit kan niet ongedaan worden gemaakt.",
    copy_button: "Kopiëren",
    copied: "Gekopieerd",
    copy_failed: "Kopiëren lukte hier niet; selecteer de tekst en kopieer hem zelf.",
    setup_heading: "Koppel je AI-assistent",
    setup_lead: "Voeg exact-mcp toe aan je assistent met een van de fragmenten hieronder en vervang de plaatshouder door een van je API-sleutels.",
    setup_lead_with_key: "De fragmenten hieronder bevatten de sleutel die je net hebt gemaakt. Kopieer nu wat je nodig hebt: de sleutel wordt niet nog eens getoond.",
    setup_create_key_link: "Maak een API-sleutel",
    mcp_url_label: "URL van de MCP-server",
    key_placeholder: "<JOUW_SLEUTEL>",
    snippet_claude_code_title: "Claude Code",
    snippet_claude_code_hint: "Voer dit uit in een terminal.",
    snippet_claude_desktop_title: "Claude Desktop",
    snippet_claude_desktop_hint: "Zet dit in claude_desktop_config.json (Instellingen → Ontwikkelaar → Configuratie bewerken) en start Claude Desktop opnieuw. De brug mcp-remote heeft Node.js nodig.",
    snippet_cursor_title: "Cursor",
    snippet_cursor_hint: "Zet dit in ~/.cursor/mcp.json, of in .cursor/mcp.json van één project.",
    snippet_inspector_title: "MCP Inspector",
    snippet_inspector_hint: "Start de Inspector, kies het transport Streamable HTTP, plak de URL en voeg de Authorization-header toe.",
    try_heading: "Probeer het zonder account",
    try_lead: "Vraag een demosleutel aan en stel je assistent vragen over de boeken van vier fictieve bedrijven.",
    try_button: "Demosleutel aanvragen",
    demo_key_label: "Je demosleutel",
    demo_note: "Deze sleutel antwoordt vanuit vier fictieve bedrijven, nooit vanuit echte boeken, en verloopt na 24 uur.",
    demo_valid_until: "Geldig tot",
    usage_lead: "Elke tool-aanroep van je assistenten, terwijl het gebeurt. De cijfers werken zichzelf bij zolang deze pagina open is.",
    usage_month_heading: "Deze maand",
    usage_calls_this_month: "Aanroepen deze maand",
    usage_of_quota,
    usage_unlimited: "Onbeperkt in je abonnement",
    usage_resets_on,
    usage_warning_marker: "Waarschuwing bij 80 %",
    usage_upgrade_hint: "Meer nodig? Vraag ons naar een groter abonnement.",
    usage_rate_heading: "Limiet per minuut",
    usage_rate_state,
    usage_rate_resets: "Het venster van deze minuut eindigt om",
    usage_chart_heading: "Afgelopen 30 dagen",
    usage_chart_label: "Tool-aanroepen per dag over de afgelopen 30 dagen",
    usage_day_summary,
    usage_by_tool_heading: "Per tool (30 dagen)",
    usage_by_client_heading: "Per client (30 dagen)",
    usage_col_tool: "Tool",
    usage_col_client: "Client",
    usage_col_calls: "Aanroepen",
    usage_col_errors: "Mislukt",
    usage_col_latency: "Gemiddelde tijd",
    usage_col_time: "Tijd (UTC)",
    usage_col_request: "Verzoek",
    usage_col_status: "Resultaat",
    usage_col_division: "Administratie",
    usage_recent_heading: "Laatste aanroepen",
    usage_none: "Nog geen aanroepen. Maak een API-sleutel en koppel je assistent om ze hier te zien.",
    usage_unknown_client: "onbekende client",
    usage_status_ok: "gelukt",
    usage_status_pending: "bezig",
    usage_status_tool_error: "toolfout",
    usage_status_error: "fout",
    usage_status_rejected: "geweigerd",
    usage_reason_rate_limit: "limiet per minuut",
    usage_reason_quota: "maandtegoed",
    usage_reason_flood: "te veel berichten",
    usage_glance_heading: "Gebruik in één oogopslag",
    usage_glance_link: "Bekijk al het gebruik",
    notifications_button: "Meldingen",
    notifications_empty: "Geen meldingen.",
    notifications_mark_read: "Alles als gelezen markeren",
    notifications_open: "Openen",
};
