"""A small dated news corpus, real Arabic, for the date, source and timeline tests (CLI, page, browser)."""

import json
from pathlib import Path

#: A small news corpus: dates in the forms inputs write them, sources spelt several ways.
ARTICLES = [
    {"id": "rt-1105", "title": "بوتين يزور قاعدة حميميم", "source": "RT Arabic", "date": "2017-11-05",
     "url": "https://arabic.rt.com/news/1",
     "text": "زار الرئيس الروسي فلاديمير بوتين سوريا والتقى بشار الأسد في قاعدة حميميم.\n\n"
             "وقال بوتين إن المهمة في سوريا أنجزت إلى حد كبير."},
    {"id": "rt-1130", "title": "لافروف: الحل في سوريا سياسي", "source": "rt  arabic",
     "date": "2017-11-30T23:30:00+03:00",
     "text": "قال وزير الخارجية الروسي سيرغي لافروف إن الحل في سوريا سياسي ولا بديل عن مفاوضات جنيف."},
    {"id": "bbc-1203", "title": "ماكرون يدعو إلى مفاوضات", "source": "BBC عربي", "date": "Sun, 03 Dec 2017 08:00:00 +0000",
     "text": "دعا الرئيس الفرنسي إيمانويل ماكرون إلى مفاوضات حول سوريا في جنيف برعاية الأمم المتحدة."},
    {"id": "bbc-0214", "title": "بوتين وأردوغان في سوتشي", "source": "BBC عربي", "date": "٢٠١٨-٠٢-١٤",
     "text": "استقبل بوتين الرئيس التركي رجب طيب أردوغان في سوتشي وبحثا الوضع في سوريا."},
    {"id": "jz-none", "title": "النفط والاقتصاد الروسي", "source": "الجزيرة",
     "text": "تحدث بوتين عن الاقتصاد الروسي وأسعار النفط في سوريا والمنطقة."},
    {"id": "jz-bad", "title": "محادثات قريبة", "source": "الجزيرة", "date": "أمس",
     "text": "قال مسؤولون إن المحادثات حول سوريا ستستأنف قريبا في جنيف."},
    # The same title means Medvedev in 2010 and Putin in 2015: dated by the article (RFC 2822 here).
    {"id": "roles-2010", "title": "زيارة", "source": "RT Arabic", "date": "Fri, 05 Nov 2010 09:00:00 +0300",
     "text": "التقى ميدفيديف وبوتين في موسكو.\n\nوقال الرئيس الروسي إن العلاقات مع الصين ممتازة."},
    {"id": "roles-2015", "title": "زيارة", "source": "RT Arabic", "date": "2015-03-01",
     "text": "التقى ميدفيديف وبوتين في موسكو.\n\nوقال الرئيس الروسي إن العلاقات مع الصين ممتازة."},
]


def write_news(folder: Path) -> Path:
    """The corpus as one .jsonl file (the reader's date, source and url fields) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(a, ensure_ascii=False) for a in ARTICLES]
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return folder
