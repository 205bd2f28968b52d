// Package i18n holds every text of the dashboard in English and Russian.
//
// Texts are typed fields, not string keys: a misspelt name does not
// compile, and each text is written as p(english, russian), so a missing
// translation does not compile either. TestComplete catches a field left
// out altogether.
package i18n

import "github.com/smsdash/smsdash/sms"

// Texts are the texts in one language. Fields ending in a format verb's
// subject ("%d", "%s") are fmt formats. A counted text is an sms.Plural:
// N(n) picks the form that n takes in the language (CLDR rules).
type Texts struct {
	// The frame.
	TabCompose, TabBatch, TabStatus, TabBalance, TabSettings             string
	DemoBadge, NoLogin, Connecting, Online, CreditsShort, NoBalanceShort string
	Degraded, Offline, Since                                             string
	NoticeRecovered, NoticeNeverLeft                                     sms.Plural
	Messages, Parts, Rows                                                sms.Plural // "%d messages", for the formats below
	DrawFailed, DrawReport, DrawKept                                     string
	Tabs, Quit, MoreKeys, TabsTyping                                     string
	JustNow, Ago, Seconds, Minutes, Hours, Days, Loading                 string

	// Compose.
	To, From, Text, At, Validity                                     string
	ToHint, Duplicate, MoreRejected, TextHint, Counter               string
	Chars, Recipients                                                sms.Plural
	AtHint, AtOK, ValidityHint, ValidityOK, ValidityRange            string
	SendButton, Sending, NoRecipients, NoText, LastSend, MoreResults string
	TooManyRecipients, ViaPackage                                    string
	AlphabetLatin, AlphabetCyrillic, AlphabetOther, Cost, LastSendAt string
	AcceptedDetail, Code                                             string
	NextField, PrevField, Send, ChooseSender, StopTyping, NewMessage string

	// Status.
	Up, Down, Move, PageUp, PageDown, Newest, Oldest, FilterStatus, FilterNumber string
	Search, Details, Back, CopyID, Reload, Done                                  string
	FilterStatusLabel, FilterNumberLabel, SearchLabel, All, FilterBatchLabel     string
	FilterAgentLabel                                                             string
	NoMessages, NoMatch, RowOf, NoGatewayID, Copied                              string
	ColTime, ColTo, ColStatus, ColText                                           string
	MessageN, GatewayID, Created, Agent, Error, History, PartsN                  string
	SettleResend, SettleMark, SettleYes                                          string
	SettleResent, SettleMarked                                                   string
	SearchShort, CountsLater                                                     string
	NoteInterrupted, NoteNeverLeft, NoteExpired, NoteOrphan                      string
	NoteResent, NoteResentBy, NoteMarked, NoteMarkedBy                           string
	SettleResendAsk, SettleMarkAsk                                               sms.Plural

	// Balance.
	Credits, ReadAt, NoBalance, LowBalance, Reading, ReadFailed  string
	BalanceHistory, NoHistory, BalanceSummary, Refresh           string
	SpentNow, SpentPerHour, SpentPerDay, SpentMost, NothingSpent string
	TopUps                                                       string
	Readings                                                     sms.Plural

	// Settings.
	SettingsFile, DemoNotSaved, NotSet, TestConnection, Save, Choose, Press string
	SaveKey, TestKey                                                        string
	RealGateway, BackToDemo, Testing, TestOK, TestFailed, NotSaved, Saved   string
	RestartToLeaveDemo, DemoURLs, RealGatewayNote                           string
	BackToDemoAsk, MovedAside, NotMoved, BadDuration, BadInteger, BadNumber string
	Unsaved, LeaveAsk, DiscardKey, LeaveBack, SavedBackup, NothingToSave    string
	FollowLang, FromUser, FromEnvPassword, EnvPasswordHelp                  string
	MoreAbove, MoreBelow                                                    string
	Problems                                                                sms.Plural

	// Batch.
	BatchTitle, BatchPath, BatchPathHint, BatchLoading, BatchFileInfo, BatchXLSXInfo                    string
	BatchSheetL, BatchHeaderL, BatchAuto, Yes, No, BatchBrowse, BatchWhen                               string
	BatchResumeNow, BatchResumeAt, BatchResumeOwn, BatchResumeKeys                                      string
	PickTitle, PickFilter, PickFilterHint, PickEmpty, PickNoMatch, PickMatches, PickHidden              string
	PickMore, PickCannot, PickNoAccess, PickGone, PickOutside, PickKB, PickMB                           string
	PickMove, PickOpen, PickUp, PickClose, PickClear, BatchPasted, BatchPastedList, BatchPasteTooBig    string
	BatchPhone, BatchSource, BatchTemplate, BatchTemplateCol, BatchTplHint, BatchChooseCol              string
	BatchReport, BatchRowsMsgs, BatchCost, BatchNotEnough, BatchNoBalance, BatchDupInvalid              string
	BatchInvalid, BatchWarnings, BatchPreviewT, BatchScroll, BatchSendButton, BatchNoFile               string
	BatchConfirm, BatchConfirmKeys, BatchConfirmResume, BatchSendingT, BatchRate, BatchETA              string
	BatchCancelling, BatchCancel, BatchDone, BatchCancelled, BatchSummary, BatchSeeStatus               string
	BatchStopAsk, BatchStopQuitAsk, BatchAbortAsk, BatchAborting, BatchAbortKey                         string
	BatchNoneCovered, BatchConfirmKeysY, BatchResumeKeysY                                               string
	BatchUnfinished, BatchConfirmKey, BatchDeny, BatchMore, BatchLoadKey                                string
	BatchNothing, BatchStopped, BatchRefusedCode, BatchShow, BatchChecking, BatchResume, BatchRecording string

	// Batch, counted.
	BatchShared, BatchConfirmFirst, BatchNotSentN sms.Plural

	buckets, sources, sections, settings map[string]string
}

// Bucket is the word for a display bucket (store.Bucket): a gateway
// status or a local state. Short: it fits the Status table's column.
func (t *Texts) Bucket(b string) string {
	if w, ok := t.buckets[b]; ok {
		return w
	}
	return b
}

// Source says who wrote an entry of a message's history (store.Change):
// the send, a status poll, an SMPP receipt, …
func (t *Texts) Source(s string) string {
	if w, ok := t.sources[s]; ok {
		return w
	}
	return s
}

// Section says what a config file section is for.
func (t *Texts) Section(s string) string { return t.sections[s] }

// SettingHelp says what a config key is for.
func (t *Texts) SettingHelp(key string) string { return t.settings[key] }

var en, ru = build(sms.EN), build(sms.RU)

// For returns the texts in l (English unless l is Russian).
func For(l sms.Lang) *Texts {
	if l == sms.RU {
		return ru
	}
	return en
}

func build(l sms.Lang) *Texts {
	p := func(en, ru string) string {
		if l == sms.RU {
			return ru
		}
		return en
	}
	// pl is a counted text: English one and other, Russian one, few, many.
	pl := func(enOne, enOther, ruOne, ruFew, ruMany string) sms.Plural {
		if l == sms.RU {
			return sms.PluralRU(ruOne, ruFew, ruMany)
		}
		return sms.PluralEN(enOne, enOther)
	}
	return &Texts{
		TabCompose:  p("Compose", "Написать"),
		TabBatch:    p("Batch", "Рассылка"),
		TabStatus:   p("Status", "Статусы"),
		TabBalance:  p("Balance", "Баланс"),
		TabSettings: p("Settings", "Настройки"),
		DemoBadge:   p("DEMO", "DEMO"),
		NoLogin:     p("no login", "нет логина"),
		Connecting:  p("connecting", "подключение"),
		Online:      p("online", "на связи"),
		Degraded:    p("degraded", "с перебоями"),
		Offline:     p("offline", "нет связи"),
		Since:       p("since %s", "с %s"),
		NoticeRecovered: pl("%d message was being sent when smsdash stopped: outcome unknown, check it on the Status tab (filter: unknown) before sending again",
			"%d messages were being sent when smsdash stopped: outcome unknown, check them on the Status tab (filter: unknown) before sending again",
			"%d сообщение отправлялось, когда smsdash остановился: результат неизвестен — проверьте его на вкладке «Статусы» (фильтр unknown), прежде чем отправлять снова",
			"%d сообщения отправлялись, когда smsdash остановился: результат неизвестен — проверьте их на вкладке «Статусы» (фильтр unknown), прежде чем отправлять снова",
			"%d сообщений отправлялись, когда smsdash остановился: результат неизвестен — проверьте их на вкладке «Статусы» (фильтр unknown), прежде чем отправлять снова"),
		NoticeNeverLeft: pl("%d message waiting to be sent was not sent (Status tab, filter: not_sent)",
			"%d messages waiting to be sent were not sent (Status tab, filter: not_sent)",
			"%d сообщение в очереди не было отправлено (вкладка «Статусы», фильтр not_sent)",
			"%d сообщения в очереди не были отправлены (вкладка «Статусы», фильтр not_sent)",
			"%d сообщений в очереди не были отправлены (вкладка «Статусы», фильтр not_sent)"),
		Messages:   pl("%d message", "%d messages", "%d сообщение", "%d сообщения", "%d сообщений"),
		Parts:      pl("%d part", "%d parts", "%d часть", "%d части", "%d частей"),
		Rows:       pl("%d row", "%d rows", "%d строка", "%d строки", "%d строк"),
		DrawFailed: p("This tab failed to draw (a bug in smsdash): %s.", "Эта вкладка не смогла отрисоваться (ошибка в smsdash): %s."),
		DrawReport: p("A report for the developers is in %s.", "Отчёт для разработчиков: %s."),
		DrawKept: p("Nothing is lost: what you typed and a send under way are kept, and the other tabs work (alt+1…5).",
			"Ничего не потеряно: набранное и идущая отправка сохранены, остальные вкладки работают (alt+1…5)."),
		CreditsShort:   p("%.2f credits", "%.2f кред."),
		NoBalanceShort: p("balance not read yet", "баланс ещё не прочитан"),
		Tabs:           p("tabs", "вкладки"),
		TabsTyping:     p("esc, then 1…5: tabs", "esc, потом 1…5"),
		Quit:           p("quit", "выход"),
		MoreKeys:       p("more", "ещё"),
		JustNow:        p("just now", "только что"),
		Ago:            p("%s ago", "%s назад"),
		Seconds:        p("%d s", "%d с"),
		Minutes:        p("%d min", "%d мин"),
		Hours:          p("%d h", "%d ч"),
		Days:           p("%d d", "%d дн."),
		Loading:        p("Loading…", "Загрузка…"),

		To:               p("To", "Кому"),
		From:             p("From", "От кого"),
		Text:             p("Text", "Текст"),
		At:               p("Send at", "Когда"),
		Validity:         p("Valid for", "Срок"),
		ToHint:           p("numbers separated by commas: 8(029)671-72-59, +375 33 …", "номера через запятую: 8(029)671-72-59, +375 33 …"),
		Duplicate:        p("(twice: sent once)", "(дважды: отправим один раз)"),
		MoreRejected:     p("✗ and %d more rejected", "✗ и ещё отклонено: %d"),
		TextHint:         p("type the message; enter starts a new line", "введите текст; enter — новая строка"),
		Counter:          p("%s · %s · parts: %d · %d left in the last", "%s · %s · частей: %d · в последней осталось %d"),
		Chars:            pl("%d char", "%d chars", "%d символ", "%d символа", "%d символов"),
		AlphabetLatin:    p("Latin: %d per SMS", "латиница: %d в SMS"),
		AlphabetCyrillic: p("Cyrillic: %d per SMS", "кириллица: %d в SMS"),
		AlphabetOther:    p("“%s” is not in the SMS alphabet: %d per SMS", "«%s» нет в алфавите SMS: %d в SMS"),
		Cost:             p("%s × %s = %d SMS", "%s × %s = %d SMS"),
		Recipients:       pl("%d recipient", "%d recipients", "%d получатель", "%d получателя", "%d получателей"),
		LastSendAt:       p("Last send, scheduled for %s Minsk time", "Последняя отправка, на %s по Минску"),
		AtHint:           p("optional: YYYY-MM-DD HH:MM, Minsk time, 10+ min ahead", "необязательно: ГГГГ-ММ-ДД ЧЧ:ММ по Минску, через 10+ мин"),
		AtOK:             p("%s Minsk time, in %s", "%s по Минску, через %s"),
		ValidityHint:     p("optional: hours, 1–48 (default 48)", "необязательно: часов, 1–48 (по умолчанию 48)"),
		ValidityOK:       p("%d h", "%d ч"),
		ValidityRange:    p("validity: a whole number of hours, 1–48", "срок: целое число часов, 1–48"),
		SendButton:       p("Send  ctrl+s", "Отправить  ctrl+s"),
		Sending:          p("Sending…", "Отправка…"),
		NoRecipients:     p("no recipient: type at least one number", "нет получателя: введите хотя бы один номер"),
		NoText:           p("the message text is empty", "текст сообщения пуст"),
		LastSend:         p("Last send", "Последняя отправка"),
		TooManyRecipients: p("more than %d recipients: send a list from the Batch tab",
			"больше %d получателей: отправьте список на вкладке «Рассылка»"),
		ViaPackage: p("sent through %s: PLAIN takes at most %d recipients at once",
			"отправлено через %s: PLAIN принимает не больше %d получателей за раз"),
		MoreResults:    p("… and %d more (see Status)", "… и ещё %d (см. «Статусы»)"),
		AcceptedDetail: p("gateway id %d · parts: %d · #%d", "ID шлюза %d · частей: %d · №%d"),
		Code:           p("code", "код"),
		NextField:      p("next", "далее"),
		PrevField:      p("previous field", "пред. поле"),
		Send:           p("send", "отправить"),
		ChooseSender:   p("sender", "отправитель"),
		StopTyping:     p("leave field", "готово"),
		NewMessage:     p("new message", "новое сообщение"),

		Up:                p("up", "вверх"),
		Down:              p("down", "вниз"),
		Move:              p("move", "выбор"),
		PageUp:            p("page up", "стр. вверх"),
		PageDown:          p("page down", "стр. вниз"),
		Newest:            p("newest", "новые"),
		Oldest:            p("oldest", "старые"),
		FilterStatus:      p("status", "статус"),
		FilterNumber:      p("number", "номер"),
		Search:            p("search", "поиск"),
		Details:           p("details", "подробно"),
		Back:              p("back/clear", "назад/сброс"),
		CopyID:            p("copy id", "копир. ID"),
		Reload:            p("reload", "обновить"),
		Done:              p("done", "готово"),
		FilterStatusLabel: p("Status:", "Статус:"),
		FilterBatchLabel:  p("Batch:", "Пакет:"),
		FilterAgentLabel:  p("Agent:", "Агент:"),
		FilterNumberLabel: p("Number:", "Номер:"),
		SearchLabel:       p("Search:", "Поиск:"),
		All:               p("all", "все"),
		NoMessages:        p("No messages yet: send one from Compose (alt+1).", "Сообщений пока нет: отправьте из вкладки «Написать» (alt+1)."),
		NoMatch:           p("No message matches the filter (esc clears it).", "Нет сообщений под фильтр (esc сбрасывает)."),
		RowOf:             p("%d of %d", "%d из %d"),
		NoGatewayID:       p("no gateway id yet: nothing to copy", "ID шлюза ещё нет: копировать нечего"),
		Copied:            p("copied %s (OSC 52)", "скопировано %s (OSC 52)"),
		ColTime:           p("time", "время"),
		ColTo:             p("to", "кому"),
		ColStatus:         p("status", "статус"),
		ColText:           p("text", "текст"),
		MessageN:          p("Message #%d", "Сообщение №%d"),
		GatewayID:         p("gateway id", "ID шлюза"),
		Created:           p("created", "создано"),
		Agent:             p("agent", "агент"),
		Error:             p("error", "ошибка"),
		History:           p("History", "История"),
		PartsN:            p("parts: %d", "частей: %d"),
		SettleResend:      p("resend", "отправить снова"),
		SettleMark:        p("mark sent", "отметить отправленным"),
		SettleYes:         p("yes", "да"),
		SettleResendAsk: pl("Send %d message of unknown outcome again? It may have reached its recipient already: a resend may deliver it twice. y: resend · n: back",
			"Send %d messages of unknown outcome again? Each may have reached its recipient already: a resend may deliver it twice. y: resend · n: back",
			"Отправить снова %d сообщение с неизвестным результатом? Оно могло уже дойти до получателя: повторная отправка может доставить его дважды. y: отправить · n: назад",
			"Отправить снова %d сообщения с неизвестным результатом? Каждое могло уже дойти до получателя: повторная отправка может доставить его дважды. y: отправить · n: назад",
			"Отправить снова %d сообщений с неизвестным результатом? Каждое могло уже дойти до получателя: повторная отправка может доставить его дважды. y: отправить · n: назад"),
		SettleMarkAsk: pl("Mark %d message of unknown outcome as sent? It will not be sent again. y: mark · n: back",
			"Mark %d messages of unknown outcome as sent? They will not be sent again. y: mark · n: back",
			"Отметить %d сообщение с неизвестным результатом как отправленное? Оно не будет отправлено снова. y: отметить · n: назад",
			"Отметить %d сообщения с неизвестным результатом как отправленные? Они не будут отправлены снова. y: отметить · n: назад",
			"Отметить %d сообщений с неизвестным результатом как отправленные? Они не будут отправлены снова. y: отметить · n: назад"),
		SettleResent: p("resent %d: %d accepted", "отправлено снова: %d, принято: %d"),
		SettleMarked: p("%d marked as sent", "отмечено отправленными: %d"),
		SearchShort:  p("type 3 characters or more", "введите от 3 символов"),
		CountsLater:  p("counting…", "подсчёт…"),
		NoteInterrupted: p("interrupted: smsdash stopped before the gateway's reply was recorded; check before resending",
			"прервано: smsdash остановился до записи ответа шлюза; проверьте, прежде чем отправлять снова"),
		NoteNeverLeft: p("interrupted before sending: it never left; safe to send again", "прервано до отправки: не ушло; можно отправить снова"),
		NoteExpired:   p("no longer asked about: its validity period has passed", "больше не опрашивается: срок жизни истёк"),
		NoteOrphan:    p("the report arrived before the send was recorded", "отчёт пришёл раньше, чем записалась отправка"),
		NoteResent:    p("resent as #%d", "отправлено снова как №%d"),
		NoteResentBy:  p("resent as #%d by %s", "отправлено снова как №%d, агент %s"),
		NoteMarked:    p("marked sent by the agent", "отмечено отправленным агентом"),
		NoteMarkedBy:  p("marked sent by %s", "отмечено отправленным, агент %s"),

		Credits:        p("Balance: %.2f credits", "Баланс: %.2f"),
		ReadAt:         p("read %s (%s)", "прочитан %s (%s)"),
		NoBalance:      p("The balance has not been read yet: press r.", "Баланс ещё не прочитан: нажмите r."),
		LowBalance:     p("below the warning threshold of %g (ui.balance_warn in Settings)", "ниже порога предупреждения %g (ui.balance_warn в настройках)"),
		Reading:        p("Reading the balance…", "Читаем баланс…"),
		ReadFailed:     p("could not read the balance", "не удалось прочитать баланс"),
		BalanceHistory: p("History", "История"),
		NoHistory:      p("A chart needs two readings: the tracker reads every 5 minutes, r reads now.", "Для графика нужно два замера: трекер читает раз в 5 минут, r — сейчас."),
		BalanceSummary: p("%s · min %.2f · max %.2f", "%s · мин. %.2f · макс. %.2f"),
		Readings:       pl("%d reading", "%d readings", "%d замер", "%d замера", "%d замеров"),
		SpentNow:       p("Spent today %.2f · this hour %.2f (Minsk time)", "Потрачено сегодня %.2f · за этот час %.2f (по Минску)"),
		SpentPerHour:   p("Spent per hour", "Расход по часам"),
		SpentPerDay:    p("Spent per day", "Расход по дням"),
		SpentMost:      p("most %.2f", "макс. %.2f"),
		NothingSpent:   p("nothing spent", "расхода нет"),
		TopUps:         p("topped up +%.2f", "пополнено +%.2f"),
		Refresh:        p("read now", "прочитать"),

		SettingsFile:       p("File:", "Файл:"),
		DemoNotSaved:       p("DEMO: no file yet", "DEMO: файла ещё нет"),
		NotSet:             p("(not set)", "(не задан)"),
		TestConnection:     p("Test connection", "Проверить связь"),
		Save:               p("Save", "Сохранить"),
		SaveKey:            p("save", "сохранить"),
		TestKey:            p("test", "проверить"),
		Choose:             p("choose", "выбрать"),
		Press:              p("press", "нажать"),
		RealGateway:        p("real gateway", "реальный шлюз"),
		BackToDemo:         p("back to DEMO", "назад в DEMO"),
		Testing:            p("Testing: reading the balance…", "Проверка: читаем баланс…"),
		TestOK:             p("Connection works (%s): balance %.2f", "Связь есть (%s): баланс %.2f"),
		TestFailed:         p("Connection failed (%s): %s", "Связи нет (%s): %s"),
		NotSaved:           p("Not saved", "Не сохранено"),
		Saved:              p("Saved to %s (mode 0600).", "Сохранено в %s (права 0600)."),
		RestartToLeaveDemo: p("Restart smsdash to leave DEMO mode with these settings.", "Перезапустите smsdash, чтобы выйти из DEMO с этими настройками."),
		Problems:           pl("Not saved: %d key needs fixing: %s", "Not saved: %d keys need fixing: %s", "Не сохранено: исправьте %d ключ: %s", "Не сохранено: исправьте %d ключа: %s", "Не сохранено: исправьте %d ключей: %s"),
		DemoURLs:           p("Not saved: the URLs point at the DEMO simulator, which ends with this program; ctrl+r puts in the real gateway's.", "Не сохранено: адреса ведут на DEMO-симулятор, он исчезнет с программой; ctrl+r подставит адреса реального шлюза."),
		RealGatewayNote:    p("The real gateway's URLs are in: type the login and password, test with ctrl+t, save with ctrl+s.", "Подставлены адреса реального шлюза: введите логин и пароль, проверьте ctrl+t, сохраните ctrl+s."),
		BackToDemoAsk:      p("Press ctrl+d again to move %s aside; the next start runs DEMO.", "Нажмите ctrl+d ещё раз, чтобы отложить %s; следующий запуск будет в DEMO."),
		MovedAside:         p("Moved to %s: restart smsdash for DEMO; rename it back to return.", "Перемещён в %s: перезапустите smsdash для DEMO; переименуйте обратно, чтобы вернуться."),
		NotMoved:           p("Not moved", "Не перемещён"),
		BadDuration:        p("%q is not a duration: use 30s, 1m30s or seconds", "%q — не длительность: пишите 30s, 1m30s или число секунд"),
		BadInteger:         p("%q is not a whole number", "%q — не целое число"),
		BadNumber:          p("%q is not a number", "%q — не число"),
		Unsaved:            p("* unsaved: %d", "* не сохранено: %d"),
		LeaveAsk:           p("Settings changed and not saved: %d. s: save · d: discard · esc: back", "Не сохранено изменений: %d. s: сохранить · d: отбросить · esc: назад"),
		DiscardKey:         p("discard", "отбросить"),
		LeaveBack:          p("back", "назад"),
		SavedBackup:        p("Saved to %s (mode 0600); the previous file is %s.", "Сохранено в %s (права 0600); прежний файл — %s."),
		NothingToSave:      p("Nothing changed: the file stays as it is.", "Ничего не изменено: файл остаётся прежним."),
		FollowLang:         p("as LANG says (%s)", "как в LANG (%s)"),
		FromUser:           p("as $USER (%s)", "как $USER (%s)"),
		FromEnvPassword:    p("from SMSDASH_PASSWORD", "из SMSDASH_PASSWORD"),
		EnvPasswordHelp:    p("SMSDASH_PASSWORD gives it and overrides the file; unset it to edit the file's", "его задаёт SMSDASH_PASSWORD, он важнее файла; уберите переменную, чтобы править пароль файла"),
		MoreAbove:          p("↑ more above: %d", "↑ ещё выше: %d"),
		MoreBelow:          p("↓ more below: %d, %s", "↓ ещё ниже: %d, %s"),

		BatchTitle:         p("Batch send", "Пакетная рассылка"),
		BatchPath:          p("File", "Файл"),
		BatchPathHint:      p("path to a CSV or XLSX file, enter loads it; ctrl+o to browse", "путь к файлу CSV или XLSX, enter загружает; ctrl+o — выбрать"),
		BatchLoading:       p("Reading %s…", "Читаю %s…"),
		BatchFileInfo:      p("%s · %s · delimiter %s · %s", "%s · %s · разделитель %s · %s"),
		BatchXLSXInfo:      p("XLSX · %s", "XLSX · %s"),
		BatchSheetL:        p("sheet", "лист"),
		BatchHeaderL:       p("header", "заголовок"),
		BatchAuto:          p("auto", "авто"),
		Yes:                p("yes", "да"),
		No:                 p("no", "нет"),
		BatchBrowse:        p("browse files", "выбрать файл"),
		BatchWhen:          p("They go at %s, Minsk time.", "Они уйдут в %s по Минску."),
		BatchResumeNow:     p("resume, sending at once", "возобновить с отправкой сразу"),
		BatchResumeAt:      p("They go at %s, Minsk time (the time in At).", "Они уйдут в %s по Минску (время из поля «Когда»)."),
		BatchResumeOwn:     p("They keep the batch's own time, if it had one.", "Они сохранят время отправки пакета, если оно было."),
		BatchResumeKeys:    p("y or enter: resume · a: resume, sending at once · n or esc: back", "y или enter: возобновить · a: возобновить с отправкой сразу · n или esc: назад"),
		PickTitle:          p("Choose a list in", "Выберите список в"),
		PickFilter:         p("Filter:", "Фильтр:"),
		PickFilterHint:     p("type to filter by name", "печатайте, чтобы отобрать по имени"),
		PickEmpty:          p("No lists (CSV, TSV, TXT, XLSX) and no folders here.", "Здесь нет ни списков (CSV, TSV, TXT, XLSX), ни папок."),
		PickNoMatch:        p("Nothing here has %q in its name.", "Здесь нет имён с %q."),
		PickMatches:        p("%d of %d match", "подходят %d из %d"),
		PickHidden:         p("files that are not lists: %d, not shown (a typed path loads any file)", "файлов, которые не списки: %d, не показаны (набранный путь загрузит любой файл)"),
		PickMore:           p("only the first %d entries are read: type the path", "прочитаны только первые %d записей: наберите путь"),
		PickCannot:         p("this folder cannot be read: %s", "эту папку не прочитать: %s"),
		PickNoAccess:       p("permission denied", "нет прав на чтение"),
		PickGone:           p("no longer there", "больше нет"),
		PickOutside:        p("a link that leads outside your folder", "ссылка ведёт за пределы вашей папки"),
		PickKB:             p("%d KB", "%d КБ"),
		PickMB:             p("%.1f MB", "%.1f МБ"),
		PickMove:           p("move", "выбор"),
		PickOpen:           p("open", "открыть"),
		PickUp:             p("up a folder", "папка выше"),
		PickClose:          p("close", "закрыть"),
		PickClear:          p("clear filter", "сбросить фильтр"),
		BatchPasted:        p("pasted list %s (%s)", "вставленный список %s (%s)"),
		BatchPastedList:    p("pasted list", "вставленный список"),
		BatchPasteTooBig:   p("the pasted text is %d KB; pastes up to %d KB are read as a list: save the list as a file (CSV or XLSX) and load that", "вставлено %d КБ текста, а списком читается вставка до %d КБ: сохраните список в файл (CSV или XLSX) и загрузите его"),
		BatchPhone:         p("Phone", "Телефон"),
		BatchSource:        p("Text", "Текст"),
		BatchTemplate:      p("Template", "Шаблон"),
		BatchTemplateCol:   p("template below", "шаблон ниже"),
		BatchTplHint:       p("e.g. Hello, {%s}! — a column in braces", "например: Здравствуйте, {%s}! — столбец в фигурных скобках"),
		BatchChooseCol:     p("choose column", "выбрать столбец"),
		BatchReport:        p("Check", "Проверка"),
		BatchRowsMsgs:      p("%s → %s, %s", "%s → %s, %s"),
		BatchCost:          p("cost %.2f of %.2f credits", "стоимость %.2f из %.2f кред."),
		BatchNotEnough:     p("not enough credits", "не хватает кредитов"),
		BatchNoBalance:     p("cost %.2f credits (balance unknown)", "стоимость %.2f кред. (баланс неизвестен)"),
		BatchDupInvalid:    p("duplicates merged %d · invalid %d · warnings %d", "повторов объединено %d · с ошибками %d · предупреждений %d"),
		BatchInvalid:       p("Invalid rows (not sent):", "Строки с ошибками (не отправляются):"),
		BatchWarnings:      p("Warnings:", "Предупреждения:"),
		BatchPreviewT:      p("Preview, as sent:", "Так уйдут сообщения:"),
		BatchScroll:        p("scroll invalid", "листать ошибки"),
		BatchSendButton:    p("Send…", "Отправить…"),
		BatchNoFile:        p("Type the path of a list: a CSV (UTF-8 or Windows-1251; comma, semicolon or tab) or an XLSX file with a column of phone numbers. Or paste the list here: cells copied from a spreadsheet, or lines of text, are read as a file is (over SSH, your files are not on this host).", "Укажите путь к списку: CSV (UTF-8 или Windows-1251; запятая, точка с запятой или табуляция) или XLSX со столбцом номеров телефонов. Или вставьте список сюда: ячейки, скопированные из таблицы, или строки текста читаются как файл (по SSH ваших файлов на этом компьютере нет)."),
		BatchConfirm:       p("Send %s (%s) for %.2f credits?", "Отправить %s (%s) за %.2f кред.?"),
		BatchConfirmKeys:   p("y or enter: send · n or esc: back", "y или enter: отправить · n или esc: назад"),
		BatchConfirmResume: p("Resume batch %d %q: send its %s (%s for %.2f credits)?", "Возобновить пакет %d %q: отправить %s (%s за %.2f кред.)?"),
		BatchNotSentN:      pl("%d message not sent", "%d messages not sent", "%d неотправленное сообщение", "%d неотправленных сообщения", "%d неотправленных сообщений"),
		BatchSendingT:      p("Sending: %d of %d done, %d accepted", "Отправка: готово %d из %d, принято %d"),
		BatchStopAsk: p("Stop after the package in flight? It gets its reply; the rest stays not sent (ctrl+r resumes). y: stop · n: go on",
			"Остановить после текущего пакета? Он получит ответ; остальное останется неотправленным (ctrl+r возобновит). y: остановить · n: продолжить"),
		BatchStopQuitAsk: p("A batch is being sent. Stop after the package in flight and quit? y: stop and quit · n: go on",
			"Идёт рассылка. Остановить после текущего пакета и выйти? y: остановить и выйти · n: продолжить"),
		BatchAbortAsk: p("Abort now? The package in flight is cut: its messages may end «outcome unknown». y: abort · n: wait",
			"Прервать сейчас? Текущий пакет будет оборван: его сообщения могут получить «результат неизвестен». y: прервать · n: ждать"),
		BatchAborting:     p("Aborting…", "Прерывание…"),
		BatchNoneCovered:  p("the balance does not cover even the first message: top up first", "баланса не хватает даже на первое сообщение: сначала пополните счёт"),
		BatchConfirmKeysY: p("y: send · n or esc: back", "y: отправить · n или esc: назад"),
		BatchConfirmFirst: pl("Send the first %[2]d of %[1]d message?", "Send the first %[2]d of %[1]d messages?", "Отправить первые %[2]d из %[1]d сообщения?", "Отправить первые %[2]d из %[1]d сообщений?", "Отправить первые %[2]d из %[1]d сообщений?"), // the count is the total
		BatchResumeKeysY:  p("y: resume · a: resume, sending at once · n or esc: back", "y: возобновить · a: возобновить с отправкой сразу · n или esc: назад"),
		BatchAbortKey:     p("abort now", "прервать сейчас"),
		BatchRate:         p("%.1f msg/s", "%.1f сообщ./с"),
		BatchETA:          p("about %s left", "осталось около %s"),
		BatchCancelling:   p("Cancelling: the package in flight finishes…", "Отмена: текущий пакет завершается…"),
		BatchCancel:       p("stop", "остановить"),
		BatchDone:         p("Batch %d done in %s", "Пакет %d отправлен за %s"),
		BatchCancelled:    p("Batch %d cancelled after %s", "Пакет %d отменён через %s"),
		BatchSummary:      p("accepted %d (%s) · refused %d · not sent %d · unknown %d", "принято %d (%s) · отказано %d · не отправлено %d · неизвестно %d"),
		BatchSeeStatus:    p("ctrl+t follows this batch's statuses on the Status tab.", "ctrl+t — статусы этого пакета во вкладке «Статусы»."),
		BatchShow:         p("follow in Status", "статусы пакета"),
		BatchChecking:     p("checking…", "проверяю…"),
		BatchRecording:    p("writing the messages down before the first leaves…", "записываю сообщения в историю до отправки первого…"),
		BatchShared:       pl("%d number gets more than one text", "%d numbers get more than one text", "%d номеру уйдёт больше одного текста", "%d номерам уйдёт больше одного текста", "%d номерам уйдёт больше одного текста"),
		BatchUnfinished:   p("Batch %d %q has %s not sent: ctrl+r resumes it.", "В пакете %d %q не отправлено %s: ctrl+r возобновит его."),
		BatchResume:       p("resume", "возобновить"),
		BatchConfirmKey:   p("send", "отправить"),
		BatchDeny:         p("back", "назад"),
		BatchMore:         p("… and %d more", "… и ещё %d"),
		BatchLoadKey:      p("load file", "загрузить файл"),
		BatchNothing:      p("Nothing to send: fix the mapping or the file.", "Нечего отправлять: исправьте столбцы или файл."),
		BatchStopped:      p("Stopped: %s", "Остановлено: %s"),
		BatchRefusedCode:  p("refused %d: code %d, %s", "отказано %d: код %d, %s"),

		buckets: map[string]string{
			"Queued":    p("Queued", "В очереди"),
			"Sent":      p("Sent", "Отправлено"),
			"Delivered": p("Delivered", "Доставлено"),
			"Expired":   p("Expired", "Просрочено"),
			"Rejected":  p("Rejected", "Отклонено"),
			"Unknown":   p("Unknown", "Неизвестно"),
			"Failed":    p("Failed", "Сбой"),
			"pending":   p("pending", "ожидает"),
			"accepted":  p("accepted", "принято"),
			"refused":   p("refused", "отказ"),
			"unknown":   p("in doubt", "не ясно"),
			"not_sent":  p("not sent", "не ушло"),
			"resent":    p("resent", "повторено"),
		},
		sources: map[string]string{
			"send":     p("send", "отправка"),
			"http":     p("poll", "опрос"),
			"smpp":     p("receipt", "квитанция"),
			"recovery": p("restart", "перезапуск"),
			"resend":   p("resend", "повтор"),
			"expire":   p("expiry", "срок"),
			"agent":    p("agent", "агент"),
		},
		sections: map[string]string{
			"account": p("the gateway account", "учётная запись шлюза"),
			"api":     p("the HTTP APIs", "HTTP API"),
			"smpp":    p("SMPP, for transport smpp", "SMPP, для транспорта smpp"),
			"tracker": p("status polling", "опрос статусов"),
			"ui":      p("the dashboard", "интерфейс"),
			"store":   p("the history: a file, or PostgreSQL", "история: файл или PostgreSQL"),
		},
		settings: map[string]string{
			"account.login":         p("login of the SMS-Assistent account", "логин учётной записи SMS-Assistent"),
			"account.password":      p("the account password (SMSDASH_PASSWORD overrides it)", "пароль учётной записи (SMSDASH_PASSWORD его заменяет)"),
			"account.token":         p("optional requestAuthToken, sent beside the password", "необязательный requestAuthToken, идёт вместе с паролем"),
			"account.sender":        p("the default sender name, usually one of senders", "отправитель по умолчанию, обычно один из senders"),
			"account.senders":       p("registered sender names, separated by commas", "зарегистрированные имена отправителя через запятую"),
			"account.agent":         p("your name, recorded with every send; empty: $USER", "ваше имя, записывается с каждой отправкой; пусто — $USER"),
			"api.transport":         p("plain (single, priority), xml or json (batches), smpp", "plain (единичные, срочные), xml или json (пакеты), smpp"),
			"api.send_plain_url":    p("PLAIN send URL", "адрес отправки PLAIN"),
			"api.status_plain_url":  p("PLAIN status URL", "адрес статусов PLAIN"),
			"api.credits_plain_url": p("balance URL, used by every API", "адрес баланса, им пользуются все API"),
			"api.xml_url":           p("XML API URL", "адрес XML API"),
			"api.json_url":          p("JSON API URL", "адрес JSON API"),
			"api.timeout":           p("per request, e.g. 30s or 1m", "на запрос, например 30s или 1m"),
			"api.batch_size":        p("messages per request, 1–10000", "сообщений в запросе, 1–10000"),
			"smpp.address":          p("host:port of the SMPP server", "host:port SMPP-сервера"),
			"smpp.user":             p("SMPP system_id", "system_id для SMPP"),
			"smpp.password":         p("SMPP password (not the account's)", "пароль SMPP (не от учётной записи)"),
			"smpp.system_type":      p("SMPP system_type, usually empty", "system_type для SMPP, обычно пусто"),
			"smpp.window":           p("most submit_sm in flight at once, 1..1000", "сколько submit_sm одновременно в пути, 1..1000"),
			"smpp.rate":             p("messages a second at most; 0 means no limit", "не больше сообщений в секунду; 0 — без ограничения"),
			"smpp.latin1_limit":     p("one-part Latin-1 limit in octets, 70..160 (140 is safe)", "предел одной части Latin-1 в октетах, 70..160 (140 надёжно)"),
			"tracker.poll_interval": p("how often statuses are asked for, at least 1s", "как часто спрашивать статусы, не чаще 1s"),
			"ui.lang":               p("language of the dashboard: en, ru or as LANG says", "язык интерфейса: en, ru или как в LANG"),
			"ui.balance_warn":       p("warn below this balance; 0 turns the warning off", "предупреждать при балансе ниже; 0 — не предупреждать"),
			"ui.mouse":              p("clicks and the wheel; false leaves the mouse to the terminal (from the next start)", "клики и колесо мыши; false — мышь остаётся терминалу (со следующего запуска)"),
			"store.path":            p("history database; empty means the XDG default (from the next start)", "база истории; пусто — путь по XDG (со следующего запуска)"),
			"store.url":             p("a PostgreSQL history shared by several smsdash (postgres://user@host/db); empty: the file above (from the next start)", "общая история в PostgreSQL для нескольких smsdash (postgres://user@host/db); пусто — файл выше (со следующего запуска)"),
			"store.password":        p("the PostgreSQL password (or ~/.pgpass)", "пароль PostgreSQL (или ~/.pgpass)"),
		},
	}
}
