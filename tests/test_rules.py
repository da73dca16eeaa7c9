"""The rule engine: boilerplate knowledge as data, matched per line, overridable by the user."""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

import pytest

import declutter
from declutter import Cleaner
from declutter.page import DROP, KEEP, NO_RULE, SOFT_DROP, TERMINATOR
from declutter.rules import RuleError, RuleSet, load_rule_file, shipped_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return RuleSet.load()


def hit(rules: RuleSet, line: str, lang: str = "en") -> tuple[int, str | None]:
    actions, names = rules.match([line], lang)
    return int(actions[0]), names[0]


# One real-looking line per language file (and more for English), with the rule and action it must get.
LANGUAGE_EXAMPLES = [
    ("en", "Your email address will not be published. Required fields are marked *", "comment-form", DROP),
    ("en", "Share this:", "share-buttons", DROP),
    ("en", "- Advertisement -", "advertisement", DROP),
    ("en", "Skip to content", "skip-link", DROP),
    ("en", "Accept all cookies", "cookie-buttons", DROP),
    ("en", "Related Articles", "section-terminators", TERMINATOR),
    ("en", "Read also:", "section-terminators", TERMINATOR),
    ("en", "Home", "navigation-words", SOFT_DROP),
    ("de", "Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert", "de-comment-form", DROP),
    ("de", "Anzeige", "de-advertisement", DROP),
    ("de", "Ähnliche Artikel", "de-section-terminators", TERMINATOR),
    ("de", "Weiterlesen »", "de-read-more", SOFT_DROP),
    ("fr", "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *", "fr-comment-form", DROP),
    ("fr", "Publicité", "fr-advertisement", DROP),
    ("fr", "Articles similaires", "fr-section-terminators", TERMINATOR),
    ("fr", "Lire la suite", "fr-read-more", SOFT_DROP),
    ("es", "Tu dirección de correo electrónico no será publicada. Los campos obligatorios están marcados con *", "es-comment-form", DROP),
    ("es", "Publicidad", "es-advertisement", DROP),
    ("es", "Artículos relacionados", "es-section-terminators", TERMINATOR),
    ("es", "Leer más", "es-read-more", SOFT_DROP),
    ("it", "Il tuo indirizzo email non sarà pubblicato. I campi obbligatori sono contrassegnati *", "it-comment-form", DROP),
    ("it", "Pubblicità", "it-advertisement", DROP),
    ("it", "Articoli correlati", "it-section-terminators", TERMINATOR),
    ("pt", "O seu endereço de email não será publicado. Campos obrigatórios são marcados com *", "pt-comment-form", DROP),
    ("pt", "Publicidade", "pt-advertisement", DROP),
    ("pt", "Leia também", "pt-section-terminators", TERMINATOR),
    ("nl", "Je e-mailadres wordt niet gepubliceerd. Vereiste velden zijn gemarkeerd met *", "nl-comment-form", DROP),
    ("nl", "Advertentie", "nl-advertisement", DROP),
    ("nl", "Lees meer", "nl-read-more", SOFT_DROP),
    ("pl", "Twój adres e-mail nie zostanie opublikowany. Wymagane pola są oznaczone *", "pl-comment-form", DROP),
    ("pl", "Reklama", "pl-advertisement", DROP),
    ("pl", "Czytaj także", "pl-section-terminators", TERMINATOR),
    ("ru", "Ваш адрес email не будет опубликован. Обязательные поля помечены *", "ru-comment-form", DROP),
    ("ru", "Реклама", "ru-advertisement", DROP),
    ("ru", "Похожие статьи", "ru-section-terminators", TERMINATOR),
    ("ru", "Читать далее", "ru-read-more", SOFT_DROP),
    ("zh", "发表评论", "zh-comment-form", DROP),
    ("zh", "廣告", "zh-advertisement", DROP),
    ("zh", "相关文章", "zh-section-terminators", TERMINATOR),
    ("zh", "阅读全文", "zh-read-more", SOFT_DROP),
    ("zh", "京ICP备12345678号-1", "zh-copyright", SOFT_DROP),
    ("ja", "メールアドレスが公開されることはありません。 ※ が付いている欄は必須項目です", "ja-comment-form", DROP),
    ("ja", "スポンサーリンク", "ja-advertisement", DROP),
    ("ja", "関連記事", "ja-section-terminators", TERMINATOR),
    ("ja", "続きを読む", "ja-read-more", SOFT_DROP),
    ("ko", "본문 바로가기", "ko-skip-link", DROP),
    ("ko", "댓글쓰기", "ko-comment-form", DROP),
    ("ko", "관련기사", "ko-section-terminators", TERMINATOR),
    ("ko", "더보기", "ko-read-more", SOFT_DROP),
    ("vi", "Email của bạn sẽ không được hiển thị công khai. Các trường bắt buộc được đánh dấu *", "vi-comment-form", DROP),
    ("vi", "Quảng cáo", "vi-advertisement", DROP),
    ("vi", "Tin liên quan", "vi-section-terminators", TERMINATOR),
    ("vi", "Xem thêm", "vi-read-more", SOFT_DROP),
    ("tr", "E-posta adresiniz yayımlanmayacak. Gerekli alanlar * ile işaretlenmişlerdir", "tr-comment-form", DROP),
    ("tr", "Reklam", "tr-advertisement", DROP),
    ("tr", "İlgili Haberler", "tr-section-terminators", TERMINATOR),
    ("tr", "Devamını Oku", "tr-read-more", SOFT_DROP),
    ("tr", "Örnek Medya A.Ş. TÜM HAKLARI SAKLIDIR.", "tr-copyright", SOFT_DROP),
    ("id", "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *", "id-comment-form", DROP),
    ("id", "Iklan", "id-advertisement", DROP),
    ("id", "Berita Terkait", "id-section-terminators", TERMINATOR),
    ("id", "Baca juga: Harga beras naik di tiga provinsi", "id-read-more", SOFT_DROP),
    ("cs", "Vaše e-mailová adresa nebude zveřejněna. Vyžadované informace jsou označeny *", "cs-comment-form", DROP),
    ("cs", "Komerční sdělení", "cs-advertisement", DROP),
    ("cs", "Související články", "cs-section-terminators", TERMINATOR),
    ("cs", "Číst dál", "cs-read-more", SOFT_DROP),
    ("uk", "Ваша адреса email не буде опублікована. Обов’язкові поля позначені *", "uk-comment-form", DROP),
    ("uk", "Реклама", "uk-advertisement", DROP),
    ("uk", "Схожі новини", "uk-section-terminators", TERMINATOR),
    ("uk", "Читати далі", "uk-read-more", SOFT_DROP),
    ("hi", "आपका ईमेल पता प्रकाशित नहीं किया जाएगा। आवश्यक फ़ील्ड चिह्नित हैं *", "hi-comment-form", DROP),
    ("hi", "विज्ञापन", "hi-advertisement", DROP),
    ("hi", "ये भी पढ़ें", "hi-section-terminators", TERMINATOR),
    ("hi", "ये भी पढ़ें: दिल्ली में बारिश से जलभराव", "hi-read-more", SOFT_DROP),
    ("sv", "Din e-postadress kommer inte publiceras. Obligatoriska fält är märkta *", "sv-comment-form", DROP),
    ("sv", "Annons", "sv-advertisement", DROP),
    ("sv", "Relaterade artiklar", "sv-section-terminators", TERMINATOR),
    ("sv", "Läs mer", "sv-read-more", SOFT_DROP),
    ("da", "Din e-mailadresse vil ikke blive publiceret. Krævede felter er markeret med *", "da-comment-form", DROP),
    ("da", "Annonce", "da-advertisement", DROP),
    ("da", "Relaterede artikler", "da-section-terminators", TERMINATOR),
    ("da", "Læs mere", "da-read-more", SOFT_DROP),
    ("nb", "Din e-postadresse vil ikke bli publisert. Obligatoriske felt er merket med *", "nb-comment-form", DROP),
    ("nb", "Annonse", "nb-advertisement", DROP),
    ("nb", "Les også", "nb-section-terminators", TERMINATOR),
    ("nb", "Les mer", "nb-read-more", SOFT_DROP),
    ("fi", "Sähköpostiosoitettasi ei julkaista. Pakolliset kentät on merkitty *", "fi-comment-form", DROP),
    ("fi", "Mainos", "fi-advertisement", DROP),
    ("fi", "Lue myös", "fi-section-terminators", TERMINATOR),
    ("fi", "Lue lisää", "fi-read-more", SOFT_DROP),
    ("hu", "Az e-mail címed nem kerül nyilvánosságra. A kötelező mezőket * karakterrel jelöltük", "hu-comment-form", DROP),
    ("hu", "Hirdetés", "hu-advertisement", DROP),
    ("hu", "Kapcsolódó cikkek", "hu-section-terminators", TERMINATOR),
    ("hu", "Tovább olvasom", "hu-read-more", SOFT_DROP),
    ("ro", "Adresa ta de email nu va fi publicată. Câmpurile obligatorii sunt marcate cu *", "ro-comment-form", DROP),
    ("ro", "Publicitate", "ro-advertisement", DROP),
    ("ro", "Citeste si", "ro-section-terminators", TERMINATOR),
    ("ro", "Citește mai mult", "ro-read-more", SOFT_DROP),
    ("el", "Η ηλ. διεύθυνση σας δεν δημοσιεύεται. Τα υποχρεωτικά πεδία σημειώνονται με *", "el-comment-form", DROP),
    ("el", "ΔΙΑΦΗΜΙΣΗ", "el-advertisement", DROP),
    ("el", "ΣΧΕΤΙΚΑ ΑΡΘΡΑ", "el-section-terminators", TERMINATOR),
    ("el", "Διαβάστε περισσότερα", "el-read-more", SOFT_DROP),
    ("ar", "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *", "ar-comment-form", DROP),
    ("ar", "إعلان", "ar-advertisement", DROP),
    ("ar", "مقالات ذات صلة", "ar-section-terminators", TERMINATOR),
    ("ar", "اقرأ المزيد", "ar-read-more", SOFT_DROP),
    ("fa", "نشانی ایمیل شما منتشر نخواهد شد. بخش‌های مورد نیاز علامت‌گذاری شده‌اند *", "fa-comment-form", DROP),
    ("fa", "تبلیغات", "fa-advertisement", DROP),
    ("fa", "مطالب مرتبط", "fa-section-terminators", TERMINATOR),
    ("fa", "بیشتر بخوانید", "fa-read-more", SOFT_DROP),
    ("he", "כתובת האימייל שלך לא תפורסם. שדות החובה מסומנים *", "he-comment-form", DROP),
    ("he", "פרסומת", "he-advertisement", DROP),
    ("he", "כתבות קשורות", "he-section-terminators", TERMINATOR),
    ("he", "קרא עוד", "he-read-more", SOFT_DROP),
    ("th", "แสดงความคิดเห็น", "th-comment-form", DROP),
    ("th", "โฆษณา", "th-advertisement", DROP),
    ("th", "ข่าวที่เกี่ยวข้อง", "th-section-terminators", TERMINATOR),
    ("th", "อ่านต่อ", "th-read-more", SOFT_DROP),    ("sk", "Vaša e-mailová adresa nebude zverejnená. Povinné polia sú označené *", "sk-comment-form", DROP),
    ("sk", "Inzercia", "sk-advertisement", DROP),
    ("sk", "Súvisiace články", "sk-section-terminators", TERMINATOR),
    ("sk", "Čítať ďalej", "sk-read-more", SOFT_DROP),
    ("bg", "Вашият имейл адрес няма да бъде публикуван. Задължителните полета са отбелязани с *", "bg-comment-form", DROP),
    ("bg", "Платена публикация", "bg-advertisement", DROP),
    ("bg", "Свързани статии", "bg-section-terminators", TERMINATOR),
    ("bg", "Прочети още", "bg-read-more", SOFT_DROP),
    ("hr", "Vaša adresa e-pošte neće biti objavljena. Obavezna polja su označena sa *", "hr-comment-form", DROP),
    ("hr", "Oglas", "hr-advertisement", DROP),
    ("hr", "Povezani članci", "hr-section-terminators", TERMINATOR),
    ("hr", "Pročitaj više", "hr-read-more", SOFT_DROP),
    ("ca", "La teva adreça electrònica no es publicarà. Els camps necessaris estan marcats amb *", "ca-comment-form", DROP),
    ("ca", "Publicitat", "ca-advertisement", DROP),
    ("ca", "Articles relacionats", "ca-section-terminators", TERMINATOR),
    ("ca", "Continua llegint", "ca-read-more", SOFT_DROP),
]


@pytest.mark.parametrize("lang,line,name,action", LANGUAGE_EXAMPLES, ids=[f"{x[0]}:{x[1][:24]}" for x in LANGUAGE_EXAMPLES])
def test_language_rule_fires_on_a_real_line(rules, lang, line, name, action):
    assert hit(rules, line, lang) == (action, name)


def test_every_language_file_is_tested_and_names_its_language():
    folder = resources.files("declutter") / "data" / "rules"
    files = sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml"))
    assert files == ["ar.toml", "bg.toml", "ca.toml", "cs.toml", "da.toml", "de.toml", "el.toml", "en.toml", "es.toml",
                     "fa.toml", "fi.toml", "fr.toml", "global.toml", "he.toml", "hi.toml", "hr.toml", "hu.toml", "id.toml",
                     "it.toml", "ja.toml", "ko.toml", "nb.toml", "nl.toml", "pl.toml", "pt.toml", "ro.toml", "ru.toml",
                     "sk.toml", "sv.toml", "th.toml", "tr.toml", "uk.toml", "vi.toml", "zh.toml"]
    for name in files:
        declared = tomllib.loads((folder / name).read_text(encoding="utf-8"))["language"]
        assert declared == ("*" if name == "global.toml" else name[:-5])
    assert {lang for lang, *_ in LANGUAGE_EXAMPLES} == {f[:-5] for f in files} - {"global"}


def test_shipped_rule_names_are_unique():
    names = [r.name for r in shipped_rules()]
    assert len(names) == len(set(names))


def test_other_languages_rules_stay_on_their_pages(rules):
    assert hit(rules, "Anzeige", "en") == (NO_RULE, None)
    assert hit(rules, "Anzeige", "fr") == (NO_RULE, None)
    # English boilerplate is recognised on pages in any language.
    assert hit(rules, "Share this:", "de") == (DROP, "share-buttons")


@pytest.mark.parametrize("line", [
    "Share your thoughts on the new budget with your local representative before the vote next week.",
    "The advertisement ran for three weeks in the Sunday papers before the company withdrew it.",
    "Read more about how the committee reached its decision in the full report published on Friday.",
    "Home prices rose 4% last year.",
])
def test_body_sentences_that_mention_boilerplate_words_are_left_alone(rules, line):
    assert hit(rules, line) == (NO_RULE, None)


# Lines of each family (skip link, share, cookie, login, copyright, read more, navigation, teaser heading) as
# sites in each language added on 2026-12-07 write them: each must meet some rule of its language.
CHROME_LINES = {
    "zh": ["跳转到主要内容", "返回顶部", "分享到微信", "复制链接", "我们使用cookie来改善您的体验", "登录", "关注我们",
           "版权所有 © 2024", "查看更多", "首页", "上一篇", "热门文章", "猜你喜欢", "标签"],
    "ja": ["本文へ移動", "ページの先頭へ", "この記事をシェアする", "Xでポストする", "当サイトではCookieを使用しています",
           "ログイン", "無断転載を禁じます", "続きを読む", "ホーム", "次の記事", "関連記事", "人気記事", "あわせて読みたい"],
    "ko": ["본문 바로가기", "맨 위로", "카카오톡 공유", "링크 복사", "쿠키를 사용합니다", "로그인", "무단 전재 및 재배포 금지",
           "더보기", "홈", "다음 글", "관련 기사", "많이 본 뉴스", "태그"],
    "vi": ["Chuyển đến nội dung", "Chia sẻ qua Facebook", "Sao chép liên kết", "Trang web này sử dụng cookie", "Đăng nhập",
           "Bản quyền thuộc về Báo ABC", "Xem thêm", "Trang chủ", "Bài viết liên quan", "Tin mới nhất", "Có thể bạn quan tâm"],
    "tr": ["İçeriğe geç", "Facebook'ta paylaş", "Bu site çerezleri kullanır", "Giriş Yap", "Tüm hakları saklıdır.",
           "Devamını Oku", "Ana Sayfa", "Benzer Haberler", "En Çok Okunanlar", "Etiketler"],
    "id": ["Langsung ke konten", "Bagikan ke WhatsApp", "Situs ini menggunakan cookie", "Masuk",
           "Hak cipta dilindungi undang-undang", "Selengkapnya", "Beranda", "Berita Terkait", "Terpopuler"],
    "cs": ["Přejít na obsah", "Sdílet na Facebooku", "Tento web používá soubory cookies", "Přihlásit se",
           "Všechna práva vyhrazena.", "Číst dál", "Úvod", "Související články", "Nejčtenější"],
    "uk": ["Перейти до змісту", "Поділитися в Telegram", "Сайт використовує cookies", "Увійти", "Всі права захищені",
           "Читати далі", "Головна", "Схожі новини", "Читайте також"],
    "hi": ["मुख्य सामग्री पर जाएं", "व्हाट्सएप पर शेयर करें", "लॉग इन", "सर्वाधिकार सुरक्षित", "और पढ़ें", "होम",
           "संबंधित खबरें", "टैग"],
    "sv": ["Hoppa till innehållet", "Dela på Facebook", "Vi använder cookies", "Logga in", "Alla rättigheter förbehållna",
           "Läs mer", "Hem", "Relaterade artiklar", "Mest lästa"],
    "fi": ["Siirry sisältöön", "Jaa Facebookissa", "Käytämme evästeitä", "Kirjaudu sisään", "Kaikki oikeudet pidätetään",
           "Lue lisää", "Etusivu", "Lue myös", "Luetuimmat"],
    "el": ["Μετάβαση στο περιεχόμενο", "Κοινοποίηση στο Facebook", "Χρησιμοποιούμε cookies", "Σύνδεση",
           "Με επιφύλαξη παντός δικαιώματος", "Διαβάστε περισσότερα", "Αρχική", "Σχετικά άρθρα", "ΔΗΜΟΦΙΛΗ"],
    "ar": ["الانتقال إلى المحتوى", "شارك على فيسبوك", "نستخدم ملفات تعريف الارتباط", "تسجيل الدخول", "جميع الحقوق محفوظة",
           "اقرأ المزيد", "الرئيسية", "أخبار ذات صلة", "الأكثر قراءة"],
    "fa": ["پرش به محتوا", "اشتراک گذاری", "ورود", "کلیه حقوق این سایت محفوظ است", "ادامه مطلب", "صفحه اصلی", "مطالب مرتبط",
           "پربازدیدترین"],
    "he": ["דלג לתוכן", "שתף בפייסבוק", "אנו משתמשים בעוגיות", "התחברות", "כל הזכויות שמורות", "קרא עוד", "דף הבית",
           "כתבות קשורות", "הכי נקראים"],
    "th": ["ข้ามไปยังเนื้อหา", "แชร์ไปยัง Facebook", "เว็บไซต์นี้ใช้คุกกี้", "เข้าสู่ระบบ", "สงวนลิขสิทธิ์", "อ่านต่อ",
           "หน้าแรก", "ข่าวที่เกี่ยวข้อง", "ยอดนิยม"],
    "da": ["Spring til indhold", "Del på Facebook", "Vi bruger cookies", "Log ind", "Alle rettigheder forbeholdes",
           "Læs mere", "Forside", "Relaterede artikler", "Mest læste"],
    "nb": ["Hopp til innhold", "Del på Facebook", "Vi bruker informasjonskapsler", "Logg inn", "Alle rettigheter reservert",
           "Les mer", "Forsiden", "Relaterte artikler", "Mest lest"],
    "hu": ["Ugrás a tartalomhoz", "Megosztás Facebookon", "Sütiket használunk", "Bejelentkezés", "Minden jog fenntartva",
           "Tovább olvasom", "Főoldal", "Kapcsolódó cikkek", "Legolvasottabb"],
    "ro": ["Sari la conținut", "Distribuie pe Facebook", "Folosim cookie-uri", "Autentificare", "Toate drepturile rezervate",
           "Citește mai mult", "Acasă", "Articole similare", "Cele mai citite"],
    "sk": ["Prejsť na obsah", "Zdieľať na Facebooku", "Táto stránka používa súbory cookies", "Prihlásiť sa",
           "Všetky práva vyhradené", "Čítať ďalej", "Úvod", "Súvisiace články", "Najčítanejšie"],
    "bg": ["Премини към съдържанието", "Сподели във Facebook", "Използваме бисквитки", "Вход", "Всички права запазени",
           "Прочети още", "Начало", "Свързани статии", "Най-четени"],
    "hr": ["Preskoči na sadržaj", "Podijeli na Facebooku", "Koristimo kolačiće", "Prijava", "Sva prava pridržana",
           "Pročitaj više", "Naslovnica", "Povezani članci", "Najčitanije"],
    "ca": ["Salta al contingut", "Comparteix a Facebook", "Utilitzem galetes", "Inicia la sessió", "Tots els drets reservats",
           "Continua llegint", "Inici", "Articles relacionats", "Les més llegides"],
}


@pytest.mark.parametrize("lang", sorted(CHROME_LINES))
def test_each_family_of_page_chrome_meets_a_rule_in_its_language(rules, lang):
    actions, names = rules.match(CHROME_LINES[lang], lang)
    assert [line for line, name in zip(CHROME_LINES[lang], names) if name is None] == []


# Prose that uses each language's boilerplate words ("share", "comment", "related") in a sentence.
PROSE_IN_OTHER_LANGUAGES = [
    ("zh", "许多读者在评论区分享了他们对这项新政策的看法，认为它将改善城市交通。"),
    ("zh", "这家公司表示，相关文章的版权归作者所有，转载需要获得授权。"),
    ("ja", "多くの読者がコメント欄でこの記事を共有し、新しい政策について意見を述べた。"),
    ("ko", "많은 독자들이 댓글을 통해 새로운 정책에 대한 의견을 공유했으며 관련 기사도 많이 읽혔다."),
    ("vi", "Nhiều độc giả đã chia sẻ bình luận về chính sách mới và cho rằng nó sẽ cải thiện giao thông."),
    ("tr", "Birçok okur yeni politika hakkında yorum yaptı ve haberi sosyal medyada paylaştı."),
    ("id", "Banyak pembaca membagikan komentar tentang kebijakan baru ini dan berharap lalu lintas membaik."),
    ("cs", "Mnoho čtenářů sdílelo komentáře k nové politice a doufá, že se doprava ve městě zlepší."),
    ("uk", "Багато читачів поділилися коментарями щодо нової політики та сподіваються на кращий транспорт."),
    ("hi", "कई पाठकों ने नई नीति पर अपनी टिप्पणी साझा की और कहा कि इससे यातायात में सुधार होगा।"),
    ("sv", "Många läsare delade artikeln och lämnade kommentarer om den nya politiken för kollektivtrafiken."),
    ("da", "Mange læsere delte artiklen og skrev kommentarer om den nye politik for den offentlige transport."),
    ("nb", "Mange lesere delte artikkelen og skrev kommentarer om den nye politikken for kollektivtrafikken."),
    ("fi", "Monet lukijat jakoivat artikkelin ja kommentoivat uutta joukkoliikennettä koskevaa politiikkaa."),
    ("hu", "Sok olvasó megosztotta a cikket, és hozzászólt az új tömegközlekedési szabályokhoz."),
    ("ro", "Mulți cititori au distribuit articolul și au lăsat comentarii despre noua politică de transport public."),
    ("el", "Πολλοί αναγνώστες κοινοποίησαν το άρθρο και άφησαν σχόλια για τη νέα πολιτική στις δημόσιες συγκοινωνίες."),
    ("ar", "شارك العديد من القراء المقال وتركوا تعليقات حول السياسة الجديدة للنقل العام في المدينة."),
    ("fa", "بسیاری از خوانندگان این مطلب را به اشتراک گذاشتند و درباره سیاست جدید حمل و نقل عمومی نظر دادند."),
    ("he", "קוראים רבים שיתפו את הכתבה והשאירו תגובות על המדיניות החדשה בתחבורה הציבורית."),
    ("th", "ผู้อ่านหลายคนแชร์บทความนี้และแสดงความคิดเห็นเกี่ยวกับนโยบายการขนส่งสาธารณะใหม่"),
    ("sk", "Mnoho čitateľov zdieľalo článok a pridalo komentáre k novej politike verejnej dopravy v meste."),
    ("bg", "Много читатели споделиха статията и оставиха коментари за новата политика за обществения транспорт."),
    ("hr", "Mnogi čitatelji podijelili su članak i ostavili komentare o novoj politici javnog prijevoza u gradu."),
    ("ca", "Molts lectors han compartit l'article i han deixat comentaris sobre la nova política de transport públic."),
]


@pytest.mark.parametrize("lang,line", PROSE_IN_OTHER_LANGUAGES, ids=[f"{x[0]}:{x[1][:12]}" for x in PROSE_IN_OTHER_LANGUAGES])
def test_prose_in_other_languages_fires_no_rule(rules, lang, line):
    assert hit(rules, line, lang) == (NO_RULE, None)


def test_a_vowel_sign_after_a_full_rules_word_is_part_of_the_word(rules):
    """Vowel signs are combining marks, which ``\\W`` holds: "शेयरों" (shares) is not "शेयर" (share) in punctuation."""
    assert hit(rules, "शेयर", "hi") == (DROP, "hi-share-buttons")
    assert hit(rules, "» शेयर «", "hi") == (DROP, "hi-share-buttons")
    assert hit(rules, "शेयरों", "hi") == (NO_RULE, None)


def test_full_rules_ignore_surrounding_punctuation_and_case(rules):
    assert hit(rules, "― ADVERTISEMENT ―") == (DROP, "advertisement")
    assert hit(rules, "   SHARE THIS!  ") == (DROP, "share-buttons")


def test_max_words_limits_a_search_rule(rules):
    short = "© 2024 Example Media. All rights reserved."
    long = "The court ruled that " + "the publisher had no claim to the photographs " * 6 + "and all rights reserved."
    assert hit(rules, short) == (SOFT_DROP, "copyright")
    assert hit(rules, long)[1] is None


def test_precedence_keep_beats_drop_and_terminator_beats_soft_drop():
    rules = RuleSet.load([{"rules": [{"name": "keep-sponsored", "action": "keep", "certain": True, "patterns": ["sponsored"]}]}])
    assert hit(rules, "Sponsored") == (KEEP, "keep-sponsored")
    # "Read also:" is both a soft "read more" link and a section heading; the heading wins.
    assert hit(rules, "Read also:") == (TERMINATOR, "section-terminators")
    # A certain drop decides its line outright, ahead of a terminator that would match too.
    assert hit(rules, "Leave a Reply") == (DROP, "comment-form")


def test_rules_fire_in_the_pipeline_on_a_real_german_page():
    text = (PAGES / "readability-heise-de.txt").read_text(encoding="utf-8")
    analysis = declutter.analyze(text)
    assert analysis.lang == "de"
    ads = [d for d in analysis.lines if d.text == "Anzeige"]
    assert ads and all(d.rule == "de-advertisement" and not d.keep for d in ads)


# -- user rules --------------------------------------------------------------------------------------------

USER_TOML = '''
language = "en"

[[rules]]
name = "advertisement"          # replaces the shipped rule of that name
action = "drop"
certain = true
patterns = ['advertorial']

[[rules]]
name = "share-buttons"          # switched off
enabled = false

[[rules]]
name = "photo-credit-caption"   # new
action = "drop"
certain = true
match = "search"
max_words = 40
patterns = ['photograph: [\\w/ ]+$']
'''


@pytest.fixture
def user_file(tmp_path) -> Path:
    path = tmp_path / "my_rules.toml"
    path.write_text(USER_TOML, encoding="utf-8")
    return path


def check_user_rules(rules: RuleSet) -> None:
    assert hit(rules, "Advertisement") == (NO_RULE, None)          # the shipped patterns are gone
    assert hit(rules, "Advertorial") == (DROP, "advertisement")     # the user's pattern took their place
    assert hit(rules, "Share this:")[1] != "share-buttons"          # disabled
    caption = "Russian President Vladimir Putin is greeted by a ceremonial guard in Beijing on Thursday. Photograph: Anadolu/Getty Images"
    assert hit(rules, caption) == (DROP, "photo-credit-caption")   # added


def test_user_rule_file_replaces_disables_and_adds(user_file):
    check_user_rules(RuleSet.load([user_file]))
    check_user_rules(RuleSet.load([str(user_file)]))


def test_user_rule_dict_replaces_disables_and_adds(user_file):
    check_user_rules(RuleSet.load([tomllib.loads(user_file.read_text(encoding="utf-8"))]))


def test_cleaners_share_the_shipped_rules_and_model_but_never_user_rules(user_file):
    plain, stricter = Cleaner(), Cleaner(threshold=0.7)
    assert plain.rules is stricter.rules and plain.model is stricter.model  # compiled and loaded once per process
    custom = Cleaner(extra_rules=[user_file])
    assert custom.rules is not plain.rules
    check_user_rules(custom.rules)
    assert hit(Cleaner().rules, "Advertisement") == (DROP, "advertisement")  # the shared rules stay as shipped


def test_extra_rules_change_clean_output(user_file):
    text = (SEEDS / "001.txt").read_text(encoding="utf-8")
    caption = "Russian President Vladimir Putin is greeted by a ceremonial guard in Beijing on Thursday. Photograph: Anadolu/Getty Images"
    headline = "Putin Strengthens Ties with China Amidst Global Tensions"
    keep_headline = {"rules": [{"name": "keep-headline", "action": "keep", "certain": True, "patterns": [headline]}]}
    plain = Cleaner().clean(text)
    custom = Cleaner(extra_rules=[user_file, keep_headline]).clean(text)
    assert caption in plain.split("\n\n") and caption not in custom.split("\n\n")
    assert headline in custom.split("\n\n")
    reasons = {d.text: d.reason for d in Cleaner(extra_rules=[keep_headline]).analyze(text).lines}
    assert reasons[headline] == "rule keep-headline"  # decided by the rule, whatever the model thinks


# -- bad rule files ----------------------------------------------------------------------------------------

BAD_FILES = {
    "invalid TOML": ("[[rules]\nname = 'x'", "invalid TOML"),
    "bad regex": ("[[rules]]\nname = 'x'\npatterns = ['(unclosed']", "bad pattern"),
    "unknown action": ("[[rules]]\nname = 'x'\naction = 'delete'\npatterns = ['x']", "action must be one of"),
    "unknown key": ("[[rules]]\nname = 'x'\npattern = ['x']\npatterns = ['x']", "unknown rule keys"),
    "certain as a string": ("[[rules]]\nname = 'x'\ncertain = 'false'\npatterns = ['x']", "'certain' must be bool"),
    "max_words as a string": ("[[rules]]\nname = 'x'\nmax_words = '5'\npatterns = ['x']", "'max_words' must be int"),
    "no patterns": ("[[rules]]\nname = 'x'\naction = 'drop'", "must not be empty"),
    "no name": ("[[rules]]\npatterns = ['x']", "non-empty 'name'"),
    "misspelt table": ("[[rule]]\nname = 'x'\npatterns = ['x']", "unknown top-level keys"),
    "search matching everything": ("[[rules]]\nname = 'x'\nmatch = 'search'\npatterns = ['(promo)?']", "empty string"),
    "exponential backtracking": ("[[rules]]\nname = 'x'\npatterns = ['(\\w+\\s?)+ promo']", "can split one run"),
}


@pytest.mark.parametrize("pattern, risky", [
    ("(a+)+$", True), ("(a*)*b", True), (r"(\w+\s?)+$", True), (r"(?:\s*\w+)+$", True), (r"(?:a+|b)+c", True),
    (r"(?:(?:a+)?)+", True), ("(a+){2,20}", True), ("(?=(a+)+)x", True),
    (r"(\w+\s)+$", False), ("(a{1,5})+", False), ("(a+){2,5}", False), (r"\d+(?:,\d+)*", False),
    ("(?:x(a+))+", False), ("share|follow", False), (r"^[^.!?]{1,60}( [>»›/|] [^.!?]{1,60}){2,}$", False),
])
def test_patterns_that_split_one_run_among_repeats_are_found(pattern, risky):
    """(a+)+ tries 2**n splits of n letters before failing: 40 letters hang the process. A repeat whose body
    must end on something else, or may repeat only a few times, is not flagged."""
    from declutter.regexrisk import nested_repeat

    assert nested_repeat(pattern) is risky


def test_a_user_rule_that_would_backtrack_for_hours_is_refused_not_run():
    with pytest.raises(RuleError, match=r"'\(a\+\)\+\$'.*can split one run"):
        RuleSet.load([{"rules": [{"name": "x", "action": "drop", "patterns": ["(a+)+$"]}]}])


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_rule_file_raises_rule_error_naming_the_file(tmp_path, case):
    body, message = BAD_FILES[case]
    path = tmp_path / "broken_rules.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RuleError, match=message) as err:
        load_rule_file(path)
    assert "broken_rules.toml" in str(err.value)


def test_missing_and_non_utf8_rule_files_raise_rule_error(tmp_path):
    with pytest.raises(RuleError, match="no_such_rules.toml"):
        load_rule_file(tmp_path / "no_such_rules.toml")
    latin1 = tmp_path / "latin1_rules.toml"
    latin1.write_bytes("[[rules]]\nname = 'x'\npatterns = ['Ã¤rger']".encode("utf-8").replace(b"\xc3\x83", b"\xc3"))
    with pytest.raises(RuleError, match="latin1_rules.toml"):
        load_rule_file(latin1)


def test_cleaner_with_a_bad_rule_file_fails_at_construction(tmp_path):
    path = tmp_path / "broken_rules.toml"
    path.write_text("[[rules]]\nname = 'x'\npatterns = ['(']", encoding="utf-8")
    with pytest.raises(RuleError, match="broken_rules.toml"):
        Cleaner(extra_rules=[path])
    with pytest.raises(RuleError, match="paths or dicts"):
        RuleSet.load([42])


def test_extra_rules_may_be_none_and_a_non_sequence_names_its_type():
    from declutter import Config

    assert Config(extra_rules=None).extra_rules == ()
    with pytest.raises(TypeError, match="extra_rules.*int"):
        Config(extra_rules=42)


def test_user_patterns_with_named_groups_and_back_references_still_match():
    rules = RuleSet.load([{"rules": [
        {"name": "doubled-word", "certain": True, "patterns": [r"(?P<w>\w+) (?P=w)"]},
        {"name": "x-then-y", "certain": True, "patterns": [r"(?P<w>x)y"]},
    ]}])
    assert hit(rules, "Bye bye") == (DROP, "doubled-word")
    assert hit(rules, "xy") == (DROP, "x-then-y")
    assert hit(rules, "Share this:") == (DROP, "share-buttons")
    assert hit(rules, "Bye for now") == (NO_RULE, None)


def test_group_references_stay_within_their_own_pattern_of_a_rule():
    rules = RuleSet.load([{"rules": [
        {"name": "doubled", "certain": True, "patterns": [r"(x+) \1", r"(y+) \1"]},  # \1 of each pattern
        {"name": "named-twice", "certain": True, "patterns": [r"(?P<w>ab) (?P=w)", r"(?P<w>cd) (?P=w)"]},
    ]}])
    assert hit(rules, "yy yy") == (DROP, "doubled")  # joined, \1 pointed at the first pattern's group
    assert hit(rules, "xx xx") == (DROP, "doubled")
    assert hit(rules, "cd cd") == (DROP, "named-twice")  # joined, the second (?P<w>...) was a re.error
    assert hit(rules, "xx yy") == (NO_RULE, None)


def test_a_pattern_opening_with_inline_flags_is_scoped_to_itself():
    rules = RuleSet.load([{"rules": [
        {"name": "promo-full", "certain": True, "patterns": ["(?s)special offer"]},
        {"name": "promo-search", "certain": True, "match": "search", "patterns": ["(?x) promo \\s code  # a comment"]},
    ]}])
    assert hit(rules, "Special offer!") == (DROP, "promo-full")
    assert hit(rules, "Use our promo code today") == (DROP, "promo-search")
    assert hit(rules, "Share this:") == (DROP, "share-buttons")  # the shipped rules are unaffected


def test_inline_flags_inside_a_pattern_and_bad_rule_objects_raise_rule_error():
    from declutter.rules import Rule

    with pytest.raises(RuleError, match="bad pattern 'offer\\(\\?i\\)s'"):
        RuleSet.load([{"rules": [{"name": "x", "patterns": ["offer(?i)s"]}]}])
    with pytest.raises(RuleError, match="bad pattern"):
        RuleSet.load([Rule(name="x", action="drop", patterns=("(",))])
    with pytest.raises(RuleError, match="action must be one of"):
        RuleSet.load([Rule(name="x", action="delete", patterns=("x",))])
    assert hit(RuleSet.load([Rule(name="x", action="drop", patterns=("xyzzy",), certain=True)]), "xyzzy") == (DROP, "x")


def test_shipped_patterns_pass_the_checks_user_patterns_get():
    # Reading the shipped files skips compiling each pattern (start-up time); this is where they are checked.
    assert shipped_rules(checked=True) == shipped_rules()


def _random_pattern(rng) -> str:
    atoms = ["promo", "code", "share", r"\d+", r"\w+", "(x+)", r"(?P<w>ab)", "[a-c]", "read more", "…", r"\s",
             "foo|bar", "new"]
    pattern = " ".join(rng.sample(atoms, rng.randint(1, 3)))  # each group once
    if "(x+)" in pattern and rng.random() < 0.5:
        pattern += r" \1"
    if "(?P<w>" in pattern and rng.random() < 0.5:
        pattern += " (?P=w)"
    flags = rng.choice(["", "", "", "(?s)", "(?i)", "(?x)"])
    return flags + pattern + ("  # a verbose comment" if flags == "(?x)" else "")


def test_random_user_rules_match_as_each_pattern_alone_would():
    # The engine joins patterns, scopes their flags and gates lines by their first characters; none of it
    # may change which rule a line gets. The reference tries every pattern alone, in precedence order.
    import random
    import re

    from declutter.rules import precedence, scoped

    rng = random.Random(7)
    words = ["promo", "code", "share", "12", "abc", "xx", "xxx", "ab", "read", "more", "…", "foo", "new",
             "Share this:", "x"]
    hits = 0
    for _ in range(60):
        user = [{"name": f"u{i}", "certain": rng.random() < 0.5, "match": rng.choice(["full", "search"]),
                 "action": rng.choice(["drop", "keep", "terminator"]), "max_words": rng.randint(1, 8),
                 "patterns": [_random_pattern(rng) for _ in range(rng.randint(1, 3))]} for i in range(rng.randint(1, 4))]
        rules = RuleSet.load([{"language": "en", "rules": user}])
        ordered = sorted((r for r in rules.rules if r.language in ("*", "en")), key=precedence)
        limit = 12 * max(r.max_words for r in ordered)
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(40)]
        _, names = rules.match(lines, "en")
        for line, name in zip(lines, names):
            expected = next((r.name for r in ordered
                             if (not r.contains or any(c in line.lower() for c in r.contains))
                             and line.count(" ") + 1 <= r.max_words and len(line) <= limit
                             and any(re.search(r"^[\W_]*(?:" + scoped(p) + r")[\W_]*$" if r.match == "full" else scoped(p),
                                               line, re.IGNORECASE) for p in r.patterns)), None)
            assert name == expected, (line, user)
            hits += name is not None and name.startswith("u")
    assert hits > 100  # the user rules did fire


def test_a_rule_set_pickles_and_copies_with_its_lock_rebuilt():
    import copy
    import pickle

    rules = RuleSet.load([{"rules": [{"name": "x", "certain": True, "patterns": ["(?s)zzq"]}]}])
    rules.match(["Share this:"], "en")  # one language compiled, under its lock
    for other in (pickle.loads(pickle.dumps(rules)), copy.deepcopy(rules)):
        assert other.match(["Share this:", "zzq"], "en")[1] == ["share-buttons", "x"]
        assert other.match(["zzq"], "de")[1] == ["x"]
