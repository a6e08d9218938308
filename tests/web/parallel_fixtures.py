"""A record to read side by side: the first articles of the Universal Declaration of Human Rights with a
Simplified Chinese transcript as the original and English, Russian and Hebrew translations, one paragraph
per heading and article, paragraphs separated by blank lines (as the text-only import stores them). The
record is imported as an export (tests/builders.py)."""

from __future__ import annotations

from readingroom.catalog.models import AccessLevel, Content, Record
from tests.builders import content_data, import_lines, record_line

ZH = """第一条

人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。

第二条

人人有资格享有本宣言所载的一切权利和自由，不分种族、肤色、性别、语言、宗教、政治或其他见解、国籍或社会出身、财产、出生或其他身分等任何区别。

第三条

人人有权享有生命、自由和人身安全。"""

EN = """Article 1

All human beings are born free and equal in dignity and rights. They are endowed with reason and conscience and should act towards one another in a spirit of brotherhood.

Article 2

Everyone is entitled to all the rights and freedoms set forth in this Declaration, without distinction of any kind, such as race, colour, sex, language, religion, political or other opinion, national or social origin, property, birth or other status.

Article 3

Everyone has the right to life, liberty and security of person."""

RU = """Статья 1

Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.

Статья 2

Каждый человек должен обладать всеми правами и всеми свободами, провозглашенными настоящей Декларацией, без какого бы то ни было различия, как-то в отношении расы, цвета кожи, пола, языка, религии, политических или иных убеждений, национального или социального происхождения, имущественного, сословного или иного положения.

Статья 3

Каждый человек имеет право на жизнь, на свободу и на личную неприкосновенность."""

HE = """סעיף 1

כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם. כולם חוננו בתבונה ובמצפון, לפיכך חובה עליהם לנהוג איש ברעהו ברוח של אחוה.

סעיף 2

כל אדם זכאי לזכויות ולחירויות שנקבעו בהכרזה זו ללא הפליה כלשהי מטעמי גזע, צבע, מין, לשון, דת, דעה פוליטית או דעה בבעיות אחרות, מוצא לאומי או חברתי, קנין, לידה או מעמד אחר.

סעיף 3

כל אדם יש לו הזכות לחיים, לחירות ולבטחון אישי."""

# The same articles as one running English text: three paragraphs against the original's six.
EN_RUN_ON = "\n\n".join(" ".join(EN.split("\n\n")[i:i + 2]) for i in (0, 2, 4))


UDHR = [{"identifier": "udhr", "title": "Universal Declaration of Human Rights", "level": "collection",
         "position": 0, "description": "", "editors": "", "publication_year": None,
         "repository": {"name": "United Nations", "place": "New York", "url": ""}}]


def udhr_record(public_id: str = "udhr-1-3", access_level: str = AccessLevel.PUBLIC,
                translations: dict[str, str] | None = None) -> Record:
    texts = {"en": EN, "ru": RU, "he": HE} if translations is None else translations
    contents = [content_data(0, Content.Kind.TRANSCRIPT, "zh-Hans", ZH)]
    contents += [content_data(position, Content.Kind.TRANSLATION, tag, text)
                 for position, (tag, text) in enumerate(texts.items(), start=1)]
    import_lines([record_line(public_id, "Universal Declaration of Human Rights, Articles 1-3", "1948-12-10",
                              languages=("zh-Hans",), collection=UDHR, contents=contents,
                              access_level=access_level)])
    return Record.objects.get(public_id=public_id)
