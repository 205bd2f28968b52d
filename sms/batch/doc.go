// Package batch turns a list that agents get from Excel into a batch of
// SMS and sends it: Read imports a CSV (delimiter and encoding detected)
// or XLSX file into a Table; GuessPhoneColumn and Table.Column pick the
// columns; ParseTemplate and Template.Fill personalise the text; Check
// normalises, validates, merges duplicates, counts parts and cost and
// previews the messages; Send sends them through the XML or JSON API in
// packages, each package recorded in the history before it leaves; Resume
// sends what an interrupted batch left unsent, never a message twice.
//
// The dashboard's Batch tab and `smsdash import` use the same calls:
//
//	t, err := batch.Read(path, batch.ReadOptions{})
//	phone := batch.GuessPhoneColumn(t)
//	tpl, err := batch.ParseTemplate("Здравствуйте, {имя}! К оплате {сумма} руб.", t.Columns)
//	rep, err := batch.Check(t, batch.Plan{PhoneCol: phone, TextCol: -1, Template: tpl, Sender: "CMC"})
//	sum, err := batch.Send(ctx, a, rep, batch.SendOptions{Name: path, Progress: fn})
//
// Every error and every problem meant for the agent is an *sms.Error with a
// Russian and an English text.
package batch
