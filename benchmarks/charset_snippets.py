"""Short text in a legacy code page, with no charset declared: how many snippets decode exactly.

`benchmarks/charsets.py` measures the labelled pages, nearly all English. This script measures what they
lack: a phrase, a sentence or a few sentences of boilerplate and body text in 31 languages, each in the
one-byte code page made for its script, alone and between two ASCII lines ("Home | News | Contact",
"Copyright 2024"), decoded as text by ``declutter.reading.decode_bytes`` (no fallback: UTF-8 with U+FFFD
when nothing decides). The sentences were written for this script, and the fixes of 2026-12-07 were made
while reading its misses: treat its figure as a regression check, not a held-out score. Snippets that are
pure ASCII in their code page are skipped; so is a snippet the code page cannot write (Persian's "ی" in
cp1256), with a note on stderr.

    python benchmarks/charset_snippets.py [-v]     # -v: print every miss
"""
from __future__ import annotations

import sys
from collections import defaultdict

from declutter.reading import decode_bytes

SNIPPETS = {  # code page -> language -> snippets written in it
 "cp1250": {
  "pl": ["Zażółć gęślą jaźń.", "Wczoraj poszliśmy do sklepu po chleb i masło.", "Żółw przeszedł przez ulicę bardzo powoli.",
         "Dziękujemy za zakupy w naszym sklepie internetowym.", "Szczegóły zamówienia zostały wysłane na Twój adres e-mail.",
         "Proszę podać prawidłowy numer telefonu komórkowego."],
  "cs": ["Příliš žluťoučký kůň úpěl ďábelské ódy.", "Děkujeme za vaši objednávku, brzy vás budeme kontaktovat.",
         "Přihlásit se k odběru novinek", "Všechna práva vyhrazena.", "Zobrazit další články z této rubriky"],
  "sk": ["Ďakujeme za váš nákup v našom obchode.", "Všetky práva vyhradené.", "Prihlásiť sa na odber noviniek"],
  "hu": ["Árvíztűrő tükörfúrógép", "Köszönjük, hogy nálunk vásárolt!", "Minden jog fenntartva.",
         "Ez a weboldal sütiket használ a jobb felhasználói élmény érdekében."],
  "ro": ["Toate drepturile rezervate.", "Vă mulţumim pentru comandă.", "Abonează-te la newsletter pentru ştiri."],
  "hr": ["Sva prava pridržana.", "Hvala vam na kupnji, uskoro ćemo vas kontaktirati.", "Pročitajte više o našim uslugama."],
  "sl": ["Vse pravice pridržane.", "Hvala za vaše naročilo, kmalu vas bomo kontaktirali."],
 },
 "cp1252": {
  "de": ["Größe wählen", "Über uns", "Schöne Grüße aus München.", "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.",
         "Alle Rechte vorbehalten. Datenschutzerklärung", "Die Straße war nass und die Bäume waren grün."],
  "fr": ["café", "Un café crème", "Déjà vu", "Tous droits réservés.", "Nous utilisons des cookies pour améliorer votre expérience.",
         "Il était une fois une fée très âgée."],
  "es": ["¿Qué tal?", "Año nuevo", "Política de privacidad", "Todos los derechos reservados.", "El niño comió una manzana en el jardín."],
  "pt": ["São Paulo", "Não perca as últimas notícias.", "Política de privacidade e termos de utilização."],
  "it": ["Perché no?", "Più letti", "Tutti i diritti riservati. Informativa sulla privacy."],
  "sv": ["Läs mer", "Över oss", "Vi använder kakor för att förbättra din upplevelse på vår webbplats."],
  "da": ["Læs mere", "Vi bruger cookies for at forbedre din oplevelse på vores hjemmeside."],
  "no": ["Les mer", "Vi bruker informasjonskapsler for å gi deg en bedre opplevelse."],
  "fi": ["Lisää ostoskoriin", "Käytämme evästeitä parantaaksemme käyttökokemustasi."],
  "is": ["Það er gott að vera hér.", "Við notum vafrakökur til að bæta upplifun þína."],
  "nl": ["Privacyverklaring en cookiebeleid", "Café de Zwaan is geopend vanaf één uur."],
  "ca": ["Tots els drets reservats. Política de galetes.", "Això és molt important per a nosaltres."],
 },
 "cp1254": {
  "tr": ["Kış geldi, hava soğuk.", "Bugün hava çok güzel ve güneşli. İstanbul'da yaşıyorum.", "Tüm hakları saklıdır.",
         "Sepete ekle", "Gizlilik politikası ve çerez kullanımı", "Şimdi abone olun ve haberleri kaçırmayın.", "Giriş yap"],
 },
 "cp1251": {
  "ru": ["Привет, как дела?", "Все права защищены.", "Читать далее", "Мы используем файлы cookie для улучшения работы сайта.",
         "ГЛАВНАЯ СТРАНИЦА", "Добавить в корзину"],
  "uk": ["Усі права захищені.", "Ми використовуємо файли cookie, щоб покращити ваш досвід.", "Читати далі"],
  "bg": ["Всички права запазени.", "Добави в количката", "Прочетете повече за нашите услуги."],
  "sr": ["Сва права задржана.", "Прочитајте више о нашим услугама."],
 },
 "koi8_r": {
  "ru": ["Привет, как дела?", "Все права защищены.", "Читать далее", "Мы используем файлы cookie для улучшения работы сайта.",
         "Добавить в корзину"],
 },
 "cp1253": {
  "el": ["Καλημέρα κόσμε", "Όλα τα δικαιώματα διατηρούνται.", "Διαβάστε περισσότερα", "Χρησιμοποιούμε cookies για να βελτιώσουμε την εμπειρία σας."],
 },
 "cp1257": {
  "lt": ["Visos teisės saugomos.", "Šiauliai ir Kaunas", "Skaitykite daugiau apie mūsų paslaugas."],
  "lv": ["Visas tiesības aizsargātas.", "Lasīt vairāk par mūsu pakalpojumiem."],
  "et": ["Kõik õigused kaitstud.", "Loe lähemalt meie teenuste kohta."],
 },
 "cp1255": {
  "he": ["כל הזכויות שמורות.", "קרא עוד", "אנו משתמשים בעוגיות כדי לשפר את חוויית הגלישה שלך."],
 },
 "cp1256": {
  "ar": ["جميع الحقوق محفوظة.", "اقرأ المزيد", "نحن نستخدم ملفات تعريف الارتباط لتحسين تجربتك."],
  "fa": ["تمامی حقوق محفوظ است.", "ادامه مطلب"],
 },
}

def main() -> int:
    ok = tot = 0
    per = defaultdict(lambda: [0, 0])
    for enc, langs in SNIPPETS.items():
        for lang, items in langs.items():
            snippets = list(items) + [" ".join(items)]
            for s in snippets:
                for ctx in (s, "Home | News | Contact\n" + s + "\nCopyright 2024"):
                    try:
                        b = ctx.encode(enc)
                    except UnicodeEncodeError:
                        print("cannot encode", enc, lang, s, file=sys.stderr)
                        continue
                    if b.isascii():
                        continue
                    got = decode_bytes(b)
                    good = got == ctx
                    ok += good
                    tot += 1
                    per[(enc, lang)][0] += good
                    per[(enc, lang)][1] += 1
                    if not good and "-v" in sys.argv:
                        print(f"  MISS {enc} {lang}: {got[:70]!r}")
    for (enc, lang), (right, n) in per.items():
        print(f"{enc:8s} {lang:3s} {right}/{n}")
    print(f"TOTAL {ok}/{tot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
