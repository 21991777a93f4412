//! The texts, one table per language. `{app}` is the payment app's name,
//! `{time}` a time left such as `4:05`.

/// A title and a sentence.
pub(super) type Pair = (&'static str, &'static str);

/// Every text of one language.
#[derive(Debug)]
pub(super) struct Texts {
    pub(super) success: Pair,
    pub(super) cancelled_by_user: Pair,
    pub(super) cancelled_by_merchant: Pair,
    pub(super) rejected: Pair,
    pub(super) declined: Pair,
    pub(super) insufficient_funds: Pair,
    pub(super) card_expired: Pair,
    pub(super) unknown_deadline: Pair,
    pub(super) unknown_unreachable: Pair,
    pub(super) unknown_stopped: Pair,
    pub(super) try_again: &'static str,
    pub(super) reopen: &'static str,
    pub(super) time_left: &'static str,
    pub(super) awaiting_switch: &'static str,
    pub(super) polling: &'static str,
    pub(super) paused: &'static str,
    pub(super) offline: &'static str,
    pub(super) backing_off: &'static str,
    pub(super) long_request: &'static str,
    pub(super) verifying: &'static str,
    pub(super) final_check: &'static str,
    pub(super) settled: &'static str,
}

pub(super) const EN: Texts = Texts {
    success: ("Payment approved", "Thank you! Your payment is approved."),
    cancelled_by_user: (
        "Payment cancelled",
        "You cancelled the payment in {app}. Nothing was charged.",
    ),
    cancelled_by_merchant: (
        "Payment cancelled",
        "The shop cancelled the payment. Nothing was charged.",
    ),
    rejected: (
        "Time ran out",
        "The payment was not approved in time. Nothing was charged.",
    ),
    declined: (
        "Payment not approved",
        "Your bank or card issuer did not approve the payment. Nothing was charged. You can try again, with another card if you like.",
    ),
    insufficient_funds: (
        "Payment not approved",
        "There was not enough money on the account or card. Nothing was charged.",
    ),
    card_expired: (
        "Card expired",
        "The card has expired. Nothing was charged. Add a valid card in {app} and try again.",
    ),
    unknown_deadline: (
        "We could not confirm your payment yet",
        "Please do not pay again. Open {app} to see whether the payment was approved; the shop will confirm your order once it knows.",
    ),
    unknown_unreachable: (
        "We cannot reach the shop right now",
        "Your payment may have gone through. Please do not pay again: open {app} to see its status, or reload this page in a moment.",
    ),
    unknown_stopped: (
        "We stopped checking your payment",
        "Please do not pay again. Open {app} to see whether the payment was approved.",
    ),
    try_again: "Try again",
    reopen: "Open {app} again",
    time_left: "You have {time} left to approve in {app}",
    awaiting_switch: "Opening {app}…",
    polling: "Checking your payment…",
    paused: "Paused while this page is in the background",
    offline: "You are offline. We will check your payment as soon as you are back online.",
    backing_off: "Still checking your payment…",
    long_request: "This is taking a little longer than usual…",
    verifying: "Confirming your payment…",
    final_check: "Making a last check of your payment…",
    settled: "Done",
};

pub(super) const NB: Texts = Texts {
    success: (
        "Betalingen er godkjent",
        "Takk! Betalingen din er godkjent.",
    ),
    cancelled_by_user: (
        "Betalingen ble avbrutt",
        "Du avbrøt betalingen i {app}. Ingenting ble trukket.",
    ),
    cancelled_by_merchant: (
        "Betalingen ble avbrutt",
        "Butikken avbrøt betalingen. Ingenting ble trukket.",
    ),
    rejected: (
        "Tiden gikk ut",
        "Betalingen ble ikke godkjent i tide. Ingenting ble trukket.",
    ),
    declined: (
        "Betalingen ble ikke godkjent",
        "Banken eller kortutstederen godkjente ikke betalingen. Ingenting ble trukket. Du kan prøve igjen, gjerne med et annet kort.",
    ),
    insufficient_funds: (
        "Betalingen ble ikke godkjent",
        "Det var ikke nok penger på kontoen eller kortet. Ingenting ble trukket.",
    ),
    card_expired: (
        "Kortet er utløpt",
        "Kortet er utløpt. Ingenting ble trukket. Legg til et gyldig kort i {app} og prøv igjen.",
    ),
    unknown_deadline: (
        "Vi kunne ikke bekrefte betalingen ennå",
        "Ikke betal på nytt. Åpne {app} for å se om betalingen ble godkjent; butikken bekrefter bestillingen når den vet det.",
    ),
    unknown_unreachable: (
        "Vi får ikke kontakt med butikken akkurat nå",
        "Betalingen kan ha gått gjennom. Ikke betal på nytt: åpne {app} for å se status, eller last inn siden igjen om litt.",
    ),
    unknown_stopped: (
        "Vi sluttet å sjekke betalingen",
        "Ikke betal på nytt. Åpne {app} for å se om betalingen ble godkjent.",
    ),
    try_again: "Prøv igjen",
    reopen: "Åpne {app} igjen",
    time_left: "Du har {time} igjen til å godkjenne i {app}",
    awaiting_switch: "Åpner {app}…",
    polling: "Sjekker betalingen…",
    paused: "Satt på pause mens siden ligger i bakgrunnen",
    offline: "Du er frakoblet. Vi sjekker betalingen så snart du er på nett igjen.",
    backing_off: "Sjekker fortsatt betalingen…",
    long_request: "Dette tar litt lengre tid enn vanlig…",
    verifying: "Bekrefter betalingen…",
    final_check: "Sjekker betalingen en siste gang…",
    settled: "Ferdig",
};

pub(super) const DA: Texts = Texts {
    success: ("Betalingen er godkendt", "Tak! Din betaling er godkendt."),
    cancelled_by_user: (
        "Betalingen blev annulleret",
        "Du annullerede betalingen i {app}. Der blev ikke trukket noget.",
    ),
    cancelled_by_merchant: (
        "Betalingen blev annulleret",
        "Butikken annullerede betalingen. Der blev ikke trukket noget.",
    ),
    rejected: (
        "Tiden løb ud",
        "Betalingen blev ikke godkendt i tide. Der blev ikke trukket noget.",
    ),
    declined: (
        "Betalingen blev ikke godkendt",
        "Din bank eller kortudsteder godkendte ikke betalingen. Der blev ikke trukket noget. Du kan prøve igen, gerne med et andet kort.",
    ),
    insufficient_funds: (
        "Betalingen blev ikke godkendt",
        "Der var ikke penge nok på kontoen eller kortet. Der blev ikke trukket noget.",
    ),
    card_expired: (
        "Kortet er udløbet",
        "Kortet er udløbet. Der blev ikke trukket noget. Tilføj et gyldigt kort i {app} og prøv igen.",
    ),
    unknown_deadline: (
        "Vi kunne ikke bekræfte din betaling endnu",
        "Betal ikke igen. Åbn {app} for at se, om betalingen blev godkendt; butikken bekræfter din ordre, når den ved det.",
    ),
    unknown_unreachable: (
        "Vi kan ikke få kontakt med butikken lige nu",
        "Din betaling kan være gået igennem. Betal ikke igen: åbn {app} for at se status, eller genindlæs siden om lidt.",
    ),
    unknown_stopped: (
        "Vi stoppede med at tjekke din betaling",
        "Betal ikke igen. Åbn {app} for at se, om betalingen blev godkendt.",
    ),
    try_again: "Prøv igen",
    reopen: "Åbn {app} igen",
    time_left: "Du har {time} tilbage til at godkende i {app}",
    awaiting_switch: "Åbner {app}…",
    polling: "Tjekker din betaling…",
    paused: "Sat på pause, mens siden er i baggrunden",
    offline: "Du er offline. Vi tjekker din betaling, så snart du er online igen.",
    backing_off: "Tjekker stadig din betaling…",
    long_request: "Det tager lidt længere tid end normalt…",
    verifying: "Bekræfter din betaling…",
    final_check: "Tjekker din betaling en sidste gang…",
    settled: "Færdig",
};

pub(super) const FI: Texts = Texts {
    success: ("Maksu hyväksytty", "Kiitos! Maksusi on hyväksytty."),
    cancelled_by_user: (
        "Maksu peruutettu",
        "Peruutit maksun {app}-sovelluksessa. Mitään ei veloitettu.",
    ),
    cancelled_by_merchant: (
        "Maksu peruutettu",
        "Kauppa peruutti maksun. Mitään ei veloitettu.",
    ),
    rejected: (
        "Aika loppui",
        "Maksua ei hyväksytty ajoissa. Mitään ei veloitettu.",
    ),
    declined: (
        "Maksua ei hyväksytty",
        "Pankkisi tai kortin myöntäjä ei hyväksynyt maksua. Mitään ei veloitettu. Voit yrittää uudelleen, vaikka toisella kortilla.",
    ),
    insufficient_funds: (
        "Maksua ei hyväksytty",
        "Tilillä tai kortilla ei ollut tarpeeksi katetta. Mitään ei veloitettu.",
    ),
    card_expired: (
        "Kortti on vanhentunut",
        "Kortti on vanhentunut. Mitään ei veloitettu. Lisää voimassa oleva kortti {app}-sovellukseen ja yritä uudelleen.",
    ),
    unknown_deadline: (
        "Emme voineet vielä vahvistaa maksuasi",
        "Älä maksa uudelleen. Avaa {app} nähdäksesi, hyväksyttiinkö maksu; kauppa vahvistaa tilauksesi, kun se tietää.",
    ),
    unknown_unreachable: (
        "Emme saa juuri nyt yhteyttä kauppaan",
        "Maksusi on ehkä mennyt läpi. Älä maksa uudelleen: avaa {app} nähdäksesi sen tilan, tai lataa sivu hetken kuluttua uudelleen.",
    ),
    unknown_stopped: (
        "Lopetimme maksusi tarkistamisen",
        "Älä maksa uudelleen. Avaa {app} nähdäksesi, hyväksyttiinkö maksu.",
    ),
    try_again: "Yritä uudelleen",
    reopen: "Avaa {app} uudelleen",
    time_left: "Sinulla on {time} aikaa hyväksyä maksu {app}-sovelluksessa",
    awaiting_switch: "Avataan {app}…",
    polling: "Tarkistetaan maksuasi…",
    paused: "Keskeytetty, kun sivu on taustalla",
    offline: "Olet offline-tilassa. Tarkistamme maksusi heti, kun yhteys palaa.",
    backing_off: "Tarkistetaan edelleen maksuasi…",
    long_request: "Tämä kestää tavallista hieman kauemmin…",
    verifying: "Vahvistetaan maksuasi…",
    final_check: "Tarkistetaan maksusi vielä kerran…",
    settled: "Valmis",
};
