# One-off writer of questions.jsonl: the same 14 questions in nine languages (12 answerable, 2 not).
import json, pathlib
Q = [
("danube-when", "danube", {"*": "1998"}, {
 "en": "When was the International Commission for the Protection of the Danube River founded?",
 "de": "Wann wurde die Internationale Kommission zum Schutz der Donau gegründet?",
 "es": "¿Cuándo se fundó la Comisión Internacional para la Protección del Río Danubio?",
 "vi": "Ủy ban Quốc tế Bảo vệ Sông Danube được thành lập khi nào?",
 "zh": "保护多瑙河国际委员会是什么时候成立的？",
 "ar": "متى تأسست اللجنة الدولية لحماية نهر الدانوب؟",
 "ru": "Когда была основана Международная комиссия по защите реки Дунай?",
 "fr": "Quand la Commission internationale pour la protection du Danube a-t-elle été fondée ?",
 "ko": "도나우강 보호 국제위원회는 언제 설립되었나요?"}),
("danube-countries", "danube", {"*": "10"}, {
 "en": "Through how many countries does the Danube flow?",
 "de": "Durch wie viele Länder fließt die Donau?",
 "es": "¿Por cuántos países pasa el Danubio?",
 "vi": "Sông Danube chảy qua bao nhiêu quốc gia?",
 "zh": "多瑙河流经多少个国家？",
 "ar": "كم عدد الدول التي يمر بها نهر الدانوب؟",
 "ru": "Через сколько стран протекает Дунай?",
 "fr": "Combien de pays le Danube traverse-t-il ?",
 "ko": "도나우강은 몇 개 나라를 지나나요?"}),
("curie-chemistry", "curie", {"*": "1911"}, {
 "en": "In which year did Marie Curie receive the Nobel Prize in Chemistry?",
 "de": "In welchem Jahr erhielt Marie Curie den Nobelpreis für Chemie?",
 "es": "¿En qué año recibió Marie Curie el Premio Nobel de Química?",
 "vi": "Marie Curie nhận giải Nobel Hóa học vào năm nào?",
 "zh": "玛丽·居里在哪一年获得诺贝尔化学奖？",
 "ar": "في أي عام حصلت ماري كوري على جائزة نوبل في الكيمياء؟",
 "ru": "В каком году Мария Кюри получила Нобелевскую премию по химии?",
 "fr": "En quelle année Marie Curie a-t-elle reçu le prix Nobel de chimie ?",
 "ko": "마리 퀴리는 몇 년에 노벨 화학상을 받았나요?"}),
("curie-elements", "curie", {"en": "polonium", "de": "Polonium", "es": "polonio", "vi": "polonium", "zh": "钋",
                             "ar": "البولونيوم", "ru": "полони", "fr": "polonium", "ko": "폴로늄"}, {
 "fr": "Quels éléments Marie Curie a-t-elle découverts ?",
 "ko": "마리 퀴리는 어떤 원소를 발견했나요?",
 "en": "Which elements did Marie Curie discover?",
 "de": "Welche Elemente hat Marie Curie entdeckt?",
 "es": "¿Qué elementos descubrió Marie Curie?",
 "vi": "Marie Curie đã phát hiện ra những nguyên tố nào?",
 "zh": "玛丽·居里发现了哪些元素？",
 "ar": "ما العناصر التي اكتشفتها ماري كوري؟",
 "ru": "Какие элементы открыла Мария Кюри?"}),
("gutenberg-copies", "gutenberg", {"*": "49"}, {
 "en": "How many copies of the Gutenberg Bible survive today?",
 "de": "Wie viele Exemplare der Gutenberg-Bibel sind heute erhalten?",
 "es": "¿Cuántos ejemplares de la Biblia de Gutenberg se conservan hoy?",
 "vi": "Ngày nay còn bao nhiêu bản Kinh Thánh Gutenberg tồn tại?",
 "zh": "古腾堡圣经如今还有多少部保存下来？",
 "ar": "كم نسخة من إنجيل غوتنبرغ لا تزال باقية اليوم؟",
 "ru": "Сколько экземпляров Библии Гутенберга сохранилось до наших дней?",
 "fr": "Combien d'exemplaires de la Bible de Gutenberg subsistent aujourd'hui ?",
 "ko": "구텐베르크 성경은 오늘날 몇 부가 남아 있나요?"}),
("gutenberg-city", "gutenberg", {"en": "Mainz", "de": "Mainz", "es": "Maguncia", "vi": "Mainz", "zh": "美因茨",
                                 "ar": "ماينز", "ru": "Майнц", "fr": "Mayence", "ko": "마인츠"}, {
 "fr": "Dans quelle ville Gutenberg a-t-il commencé à imprimer avec des caractères mobiles ?",
 "ko": "구텐베르크는 어느 도시에서 활자 인쇄를 시작했나요?",
 "en": "In which city did Gutenberg start printing with movable type?",
 "de": "In welcher Stadt begann Gutenberg mit dem Druck mit beweglichen Lettern?",
 "es": "¿En qué ciudad empezó Gutenberg a imprimir con tipos móviles?",
 "vi": "Gutenberg bắt đầu in bằng chữ rời ở thành phố nào?",
 "zh": "古腾堡在哪座城市开始使用活字印刷？",
 "ar": "في أي مدينة بدأ غوتنبرغ الطباعة بالحروف المتحركة؟",
 "ru": "В каком городе Гутенберг начал печатать подвижными литерами?"}),
("kili-height", "kilimanjaro", {"*": "5895"}, {
 "en": "How high is Mount Kilimanjaro?",
 "de": "Wie hoch ist der Kilimandscharo?",
 "es": "¿Qué altura tiene el Kilimanjaro?",
 "vi": "Núi Kilimanjaro cao bao nhiêu?",
 "zh": "乞力马扎罗山有多高？",
 "ar": "ما ارتفاع جبل كليمنجارو؟",
 "ru": "Какова высота Килиманджаро?",
 "fr": "Quelle est l'altitude du Kilimandjaro ?",
 "ko": "킬리만자로산의 높이는 얼마인가요?"}),
("kili-ascent", "kilimanjaro", {"*": "1889"}, {
 "en": "Who first climbed to the summit of Kilimanjaro, and when?",
 "de": "Wer bestieg als Erster den Gipfel des Kilimandscharo, und wann?",
 "es": "¿Quién subió por primera vez a la cumbre del Kilimanjaro, y cuándo?",
 "vi": "Ai là người đầu tiên leo lên đỉnh Kilimanjaro, và vào khi nào?",
 "zh": "谁最先登上乞力马扎罗山顶？是在什么时候？",
 "ar": "من أول من صعد إلى قمة كليمنجارو، ومتى؟",
 "ru": "Кто первым поднялся на вершину Килиманджаро и когда?",
 "fr": "Qui a atteint le premier le sommet du Kilimandjaro, et quand ?",
 "ko": "킬리만자로 정상에 처음 오른 사람은 누구이며, 언제였나요?"}),
("wc-teams", "worldcup", {"*": "13"}, {
 "en": "How many teams took part in the first FIFA World Cup?",
 "de": "Wie viele Mannschaften nahmen an der ersten FIFA-Weltmeisterschaft teil?",
 "es": "¿Cuántas selecciones participaron en la primera Copa Mundial de la FIFA?",
 "vi": "Có bao nhiêu đội tham dự Giải vô địch bóng đá thế giới FIFA đầu tiên?",
 "zh": "第一届国际足联世界杯有多少支球队参赛？",
 "ar": "كم عدد المنتخبات التي شاركت في أول كأس عالم لكرة القدم؟",
 "ru": "Сколько команд участвовало в первом чемпионате мира по футболу?",
 "fr": "Combien d'équipes ont participé à la première Coupe du monde de la FIFA ?",
 "ko": "제1회 FIFA 월드컵에는 몇 팀이 참가했나요?"}),
("wc-why", "worldcup", {"en": "constitution", "de": "Verfassung", "es": "constitución", "vi": "hiến pháp", "zh": "宪法",
                        "ar": "دستور", "ru": "конституци", "fr": "constitution", "ko": "헌법"}, {
 "fr": "Pourquoi la première Coupe du monde a-t-elle eu lieu en Uruguay en 1930 ?",
 "ko": "제1회 월드컵은 왜 1930년에 우루과이에서 열렸나요?",
 "en": "Why was the first World Cup held in Uruguay in 1930?",
 "de": "Warum fand die erste Weltmeisterschaft 1930 in Uruguay statt?",
 "es": "¿Por qué se celebró la primera Copa del Mundo en Uruguay en 1930?",
 "vi": "Tại sao giải vô địch thế giới đầu tiên được tổ chức ở Uruguay năm 1930?",
 "zh": "为什么第一届世界杯于1930年在乌拉圭举行？",
 "ar": "لماذا أقيمت أول بطولة لكأس العالم في الأوروغواي عام 1930؟",
 "ru": "Почему первый чемпионат мира прошёл в Уругвае в 1930 году?"}),
("suez-open", "suez", {"*": "1869"}, {
 "en": "When did the Suez Canal open?",
 "de": "Wann wurde der Sueskanal eröffnet?",
 "es": "¿Cuándo se inauguró el canal de Suez?",
 "vi": "Kênh đào Suez được khánh thành khi nào?",
 "zh": "苏伊士运河是什么时候通航的？",
 "ar": "متى افتتحت قناة السويس؟",
 "ru": "Когда был открыт Суэцкий канал?",
 "fr": "Quand le canal de Suez a-t-il été ouvert ?",
 "ko": "수에즈 운하는 언제 개통되었나요?"}),
("suez-nationalised", "suez", {"*": "1956"}, {
 "en": "When did Egypt nationalise the Suez Canal, and what did that lead to?",
 "de": "Wann verstaatlichte Ägypten den Sueskanal, und wozu führte das?",
 "es": "¿Cuándo nacionalizó Egipto el canal de Suez y qué provocó?",
 "vi": "Ai Cập quốc hữu hóa kênh đào Suez khi nào và điều đó dẫn đến gì?",
 "zh": "埃及何时将苏伊士运河收归国有？这导致了什么？",
 "ar": "متى أممت مصر قناة السويس، وإلى ماذا أدى ذلك؟",
 "ru": "Когда Египет национализировал Суэцкий канал и к чему это привело?",
 "fr": "Quand l'Égypte a-t-elle nationalisé le canal de Suez, et à quoi cela a-t-il mené ?",
 "ko": "이집트는 언제 수에즈 운하를 국유화했으며, 그 결과 무슨 일이 일어났나요?"}),
("u-atlantic", None, None, {
 "en": "Who was the first woman to fly solo across the Atlantic Ocean?",
 "de": "Wer war die erste Frau, die allein über den Atlantik flog?",
 "es": "¿Quién fue la primera mujer en cruzar sola el océano Atlántico en avión?",
 "vi": "Ai là người phụ nữ đầu tiên bay một mình qua Đại Tây Dương?",
 "zh": "谁是第一位独自驾机飞越大西洋的女性？",
 "ar": "من هي أول امرأة طارت منفردة عبر المحيط الأطلسي؟",
 "ru": "Кто был первой женщиной, в одиночку перелетевшей Атлантический океан?",
 "fr": "Qui a été la première femme à traverser seule l'océan Atlantique en avion ?",
 "ko": "대서양을 혼자 비행기로 횡단한 최초의 여성은 누구인가요?"}),
("u-kili-tourists", None, None, {
 "en": "How many tourists climb Kilimanjaro every year?",
 "de": "Wie viele Touristen besteigen jedes Jahr den Kilimandscharo?",
 "es": "¿Cuántos turistas suben al Kilimanjaro cada año?",
 "vi": "Mỗi năm có bao nhiêu du khách leo núi Kilimanjaro?",
 "zh": "每年有多少游客攀登乞力马扎罗山？",
 "ar": "كم عدد السياح الذين يتسلقون كليمنجارو كل عام؟",
 "ru": "Сколько туристов ежегодно поднимается на Килиманджаро?",
 "fr": "Combien de touristes gravissent le Kilimandjaro chaque année ?",
 "ko": "매년 몇 명의 관광객이 킬리만자로에 오르나요?"}),
]
DOCS = pathlib.Path(__file__).parent / "docs"
TITLES = {t: sorted({(DOCS / f"{t}-{lang}.txt").read_text(encoding="utf-8").splitlines()[0] for lang in
                     ("en", "de", "es", "fr", "vi", "zh", "ar", "ru", "ko")}) for t in
          ("danube", "curie", "gutenberg", "kilimanjaro", "worldcup", "suez")}
rows = []
for qid, topic, keywords, by_lang in Q:
    for lang, question in by_lang.items():
        row = {"id": f"w7-{qid}-{lang}", "question": question, "answerable": topic is not None, "lang": lang,
               "kind": "multilingual" if lang != "en" else "factoid"}
        if topic:
            # found: a passage on the topic in any language (its title line); held out together
            row.update(doc=f"{topic}-{lang}.txt", topic=topic, group=f"wiki7:{topic}", evidence=TITLES[topic],
                       answer_keywords=[keywords.get(lang, keywords.get("*"))])
        else:
            row["kind"] = "unanswerable"
        rows.append(row)
path = pathlib.Path(__file__).parent / "questions.jsonl"
path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
print(len(rows), "questions")
