"""Column-name phrases in German, French, Spanish, Italian, Dutch and Portuguese.

A table exported from a shop in Hamburg names its columns ``Vorname``, ``Nachname``, ``Straße``,
``PLZ``, ``Bemerkung``; one from Madrid ``nombre``, ``apellidos``, ``dirección``, ``DNI``. The
English phrases of :mod:`veil.vault.phrases` read none of them, so a surname column passed as
"other" when too few of its values were known names. These lists name the same things in the
six most spoken languages of the EU besides English, written as :func:`~veil.vault.phrases.tokens_of`
reads a column name: lower case, accents and the German sharp s folded ("straße" -> "strasse",
"teléfono" -> "telefono"), one phrase per entry with its words apart. A word that is also a common
English word in column names ("via", "cap", "eta", "land", "carte", "portable", "genre") is left
out.
"""

from __future__ import annotations

__all__ = ["DIRECT_I18N", "FREE_TEXT_I18N", "QUASI_I18N", "SENSITIVE_I18N"]


def _phrases(*groups: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(p.split()) for group in groups for p in group.split("|"))


DIRECT_I18N = _phrases(
    # de
    "vorname|nachname|familienname|rufname|geburtsname|anschrift|adresse|strasse|hausnummer|telefon"
    "|telefonnummer|handy|handynummer|mobil|mobilnummer|mobilfunknummer|kontonummer|kreditkarte"
    "|kartennummer|steuernummer|steuer id|steueridentifikationsnummer|sozialversicherungsnummer"
    "|personalausweis|ausweisnummer|reisepass|fuhrerschein|kennzeichen|benutzername",
    # fr
    "nom|prenom|nom de famille|courriel|telephone|adresse postale|rue|numero de securite sociale|nir"
    "|passeport|permis de conduire|numero de carte|identifiant",
    # es
    "nombre|nombres|apellido|apellidos|correo|correo electronico|telefono|movil|celular|direccion"
    "|domicilio|calle|dni|nie|nif|pasaporte|numero de cuenta|tarjeta|usuario",
    # it
    "nome|cognome|cellulare|indirizzo|codice fiscale|passaporto|patente|utente",
    # nl
    "voornaam|achternaam|naam|telefoon|telefoonnummer|mobiel|adres|straat|huisnummer|bsn|paspoort"
    "|rijbewijs|rekeningnummer|kenteken|gebruikersnaam",
    # pt
    "sobrenome|apelido|telefone|endereco|morada|rua|cpf|passaporte|usuario",
)

QUASI_I18N = _phrases(
    # de
    "plz|postleitzahl|ort|wohnort|stadt|geburtsdatum|geburtstag|geburtsort|geburtsjahr|geschlecht"
    "|alter|staatsangehorigkeit|nationalitat|beruf|bundesland|familienstand|arbeitgeber",
    # fr
    "code postal|ville|commune|date de naissance|naissance|sexe|nationalite|profession|pays"
    "|departement|employeur|situation familiale",
    # es
    "codigo postal|ciudad|localidad|municipio|provincia|fecha de nacimiento|nacimiento|sexo|genero"
    "|edad|nacionalidad|profesion|pais|estado civil|empleador",
    # it
    "citta|comune|data di nascita|nascita|luogo di nascita|sesso|nazionalita|professione|paese|stato civile",
    # nl
    "woonplaats|plaats|geboortedatum|geboorteplaats|geslacht|leeftijd|nationaliteit|beroep|provincie"
    "|werkgever",
    # pt
    "cep|cidade|concelho|data de nascimento|idade|nacionalidade|profissao|estado civil",
)

FREE_TEXT_I18N = _phrases(
    # de
    "bemerkung|bemerkungen|kommentar|kommentare|anmerkung|anmerkungen|notiz|notizen|beschreibung"
    "|nachricht|freitext",
    # fr
    "commentaire|commentaires|remarque|remarques|observation|observations|notes libres",
    # es
    "comentario|comentarios|observacion|observaciones|descripcion|nota|notas|mensaje",
    # it
    "commento|commenti|descrizione|osservazioni|messaggio",
    # nl
    "opmerking|opmerkingen|omschrijving|beschrijving|notitie|notities|bericht",
    # pt
    "observacao|observacoes|descricao|mensagem",
)

SENSITIVE_I18N = _phrases(
    # de
    "diagnose|krankheit|erkrankung|medikament|medikamente|behandlung|gesundheit|religion|konfession"
    "|gewerkschaft|ethnie|behinderung|vorstrafen|gehalt|einkommen",
    # fr
    "diagnostic|maladie|medicament|traitement|sante|syndicat|handicap|salaire|revenu",
    # es
    "diagnostico|enfermedad|medicamento|tratamiento|salud|religion|sindicato|etnia|discapacidad"
    "|salario|ingresos",
    # it
    "diagnosi|malattia|farmaco|trattamento|salute|religione|sindacato|disabilita|stipendio|reddito",
    # nl
    "diagnose|ziekte|medicijn|behandeling|gezondheid|geloof|vakbond|handicap|salaris|inkomen",
    # pt
    "doenca|medicamento|tratamento|saude|religiao|sindicato|deficiencia|salario|renda",
)
