"""Word lists for finding names: titles, role words, places, and ordinary words that are also names.

COMMON_NAME_WORDS was made once, by hand, from the names in the lexicon that are also common English words
(Faker's first names and surnames met in a frequency list of English); the names most often meant as names
(Patel, Kelly, Smith, Shaw) were taken out again, so they stay names without a title.
"""

from __future__ import annotations

import functools


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COMMON_NAME_WORDS = _words("""
    ace add admiral ah al alba ale ally almond alpha alto amber angel ante arch archer art august aura author autumn
    babe baby bail bale ball barb barber bare baron basil bass bath bean beard bee beer bell bender berlin berry
    best bill birch bird bishop black blanc blaze blessing bliss block blossom bond bonnet bore boss boston
    bourgeois bowler brain branch brandy bravo bray brick bridge bright brit brook brown browning buck bud buddy
    bull bunk burr bush butcher canal candy cannon canyon cap captain carpenter carry case cash champ chance char
    charity chase cherish cherry chin china chip chuck church cinnamon clay clear cliff coca colon colonel colt
    comfort commodore company con contractor convey coral cord corona council cousin cross cruise crystal curry
    daisy dale dare dash date dawn day de dean deep delta destiny diamond din diver divine doc dock doctor doll don
    dot dove dow drake drew drum duke dusty each earl early earnest easter ebony echo edit elder else emerald era
    essence eta ether eve ever fair fairy faith fall fancy farmer fate fed fee ferry field fleet flint flood font
    ford forest forum foster fox frank freely fresh friend frost fry fuller funk gala gamble gauge gay gee gene
    general genesis geneva genie geo german ginger glass glen golden good gorge governor grace grant gray green grey
    grit gross grove gunner guy hall ham hand handy hare harm harmony harsh haven hazel hearty heath heather heaven
    hence herb herring hill holder holly hood hope horn house hung hunt icy immaculate infant innocent ion iris
    ivory ivy jack jade jewel job journey joy judge june junior junk justice kale karma key kidney killer king kit
    kitty knight lad lady lamb lance lane lavender law lawyer leafy lemon less liberty lily limo link little lone
    long loot lord lore love loyal lucky lyric mac mace mad major male mall man mane manila manly mar margarita
    marine mark marquis marry marshal mart marvel master mat mate math maverick maxim may meadow media merchant
    mercy merry mesa meta miner minor miracle misty moan monk montana moon more mountain mule nail nan nana noble
    north nova oak olive oral orange pace page pal pandora parent park pastor pat patience peace peacock pearl peer
    penny pepper petty phoenix pi pier pink piper plaza pleasant polo pop pope porter power precious press price
    prince princess prosper purity queen raid ram rand ransom ray read real reason red rice rich riddle ridge ring
    river roach rob rock rocky rod roll rose royal ruby rush rust rusty sad safari sage said saint salmon sandy sane
    sang sans savage scarlet serenity server seven shade sharp shepherd shine short sierra silk silver sincere sing
    sister skip sky small smart snow sol sole son soprano sparks spring stack star stark sterling steward stone
    storm stormy story stout strong sue summer sunny sunshine swift tab tailor tan tank tea theres till tiny too
    torrent tory toy trace treasure trinity true unique unknown unnamed urban us valentine van velvet victory villa
    violet vita viva wade wall ware warmer warner warrior wash watt were west white will wing winter wise wolf wood
    worth york young
    ward hull
""")

MONTHS = _words("january february march april may june july august september october november december "
                "jan feb mar apr jun jul aug sep sept oct nov dec")
WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday "
                  "mon tue tues wed thu thur thurs fri sat sun")

# Words of health services and of comments, capitalised often enough (a heading, a service, emphasis).
HEALTH_WORDS = _words("""
    staff nurse nurses doctor doctors hospital hospitals ward wards unit units clinic clinics surgery surgeries
    practice practices receptionist receptionists reception consultant consultants team teams service services care
    carer carers patient patients appointment appointments emergency department departments outpatients inpatients
    outpatient inpatient pharmacy pharmacist x-ray xray scan scans covid coronavirus vaccine vaccination booster
    trust infirmary centre center health medical maternity midwife midwives paediatric paediatrics children
    practitioner practitioners specialist specialists associate registrar registrars physio physiotherapy
    physiotherapist occupational therapy therapist therapists surgeon surgeons anaesthetist manager managers matron
    sister sisters assistant assistants healthcare admin administration secretary paramedic paramedics ambulance
    porter porters cleaner cleaners volunteer volunteers student students chaplain chaplaincy dentist dental optician
    radiology radiographer sonographer ultrasound mri ct blood bloods test tests results referral referrals
    discharge discharged admission admitted triage theatre theatres recovery intensive icu hdu cardiology oncology
    cancer stroke diabetes dementia mental wellbeing community district hospice palliative urgent minor injuries
    walk-in walk in out-of-hours gp gps nhs a&e ae ed mau amu sdec ccu oncology haematology renal dialysis
    orthopaedic orthopaedics fracture physio chemo chemotherapy radiotherapy midwifery antenatal postnatal
    labour delivery neonatal nicu scbu breastfeeding health visitor visitors social worker workers
    prescription prescriptions medication medicine medicines tablets dose doses paracetamol ibuprofen morphine
    insulin antibiotics inhaler injection jab jabs nurse-led consultant-led friends family test fft
    overall excellent brilliant amazing lovely fantastic great wonderful superb outstanding fab fabulous awesome
    rude friendly helpful professional caring kind polite dismissive thorough efficient quick slow clean dirty
    poor terrible awful appalling disgusting shocking unacceptable disappointing disappointed satisfied happy
    unhappy pleased grateful thankful impressed reassuring reassured compassionate attentive understanding
    thanks thank thankyou cheers please sorry yes no ok okay not nothing everything everyone everybody nobody
    someone somebody anyone anything always never sometimes often again also however although because but and
    the a an my our their his her its your we they he she it i me us them this that these those there here
    very really absolutely extremely totally quite rather just only even still already well much many more most
    less least better best worse worst good bad nice fine long short wait waiting waited waits parking car park
    food drink drinks water tea coffee toilet toilets bed beds bay bays room rooms corridor corridors lift lifts
    signs sign signage leaflet leaflets website online phone phones telephone call calls email letter letters text
    texts app booking system systems online zoom teams microsoft whatsapp facebook twitter instagram google
    mum mom dad mother father husband wife son daughter brother partner friend friends nan nana gran grandma
    grandad granddad grandmother grandfather grandson granddaughter aunt uncle cousin baby babies child boy girl
    man woman lady gentleman men women people person family families relatives relative neighbour colleague
    calm participant participants member members attendee attendees resident residents carer's members' users user
    morning afternoon evening night today yesterday tomorrow week weeks month months year years hour hours
    minute minutes day days weekend bank holiday christmas easter new year eid ramadan diwali
    english british welsh scottish irish polish romanian urdu punjabi bengali gujarati arabic somali portuguese
    spanish french italian chinese asian african caribbean european muslim christian sikh hindu jewish catholic
    gypsy gypsies traveller travellers roma latvia latvian lithuania lithuanian poland romania bulgaria bulgarian
    slovakia slovak czech hungary hungarian europe ukraine ukrainian syria syrian afghan afghanistan eritrea
    eritrean sudan sudanese somalia iran iranian iraq iraqi kurdish pakistan pakistani india indian bangladesh
    bangladeshi nigeria nigerian ghana ghanaian kenya kenyan zimbabwe jamaica jamaican lgbt lgbtq lgbtq+ deaf bsl
    braille makaton alder hey civic insta tiktok youtube
    god lord jesus macmillan curie healthwatch pals cqc nice link links ppg ppgs bupa boots asda tesco
    england wales scotland ireland britain uk london leeds manchester birmingham bradford sheffield liverpool
    newcastle bristol nottingham leicester york hull wakefield huddersfield halifax harrogate doncaster rotherham
    barnsley sunderland durham middlesbrough lancaster preston blackpool bolton wigan stockport salford oldham
    rochdale coventry wolverhampton stoke derby lincoln norwich cambridge oxford reading southampton portsmouth
    brighton plymouth exeter cardiff swansea glasgow edinburgh belfast kent essex surrey sussex yorkshire
    lancashire cornwall devon
    north south east west northern southern eastern western central upper lower great little old new
    i'm i've i'd i'll it's don't didn't can't couldn't wouldn't shouldn't wasn't weren't isn't aren't won't
    dont didnt cant couldnt wouldnt wasnt isnt
""")

@functools.cache
def ordinary() -> frozenset[str]:
    """Ordinary English words: Faker's list of common ones (read on first use: importing Faker takes a moment),
    the names that are also common words, months, weekdays and the words of health services."""
    from faker.providers.lorem.en_US import Provider as Lorem

    return frozenset(Lorem.word_list) | COMMON_NAME_WORDS | MONTHS | WEEKDAYS | HEALTH_WORDS

# Particles that are parts of names but never a name alone.
NOT_NAMES = _words("macmillan curie de van la le da di du del der den von st mc el al bin le les los las dos das")

PARTICLES = _words("van von der den de del della di da du la le bin ibn al el mac")
TITLES = _words("dr doctor mr mrs ms miss mx prof professor nurse sister matron sir dame rev reverend")
SHORT_TITLES = _words("dr mr mrs ms miss mx prof")
ROLES = _words("""
    receptionist consultant surgeon midwife physio physiotherapist paramedic porter cleaner carer gp hca registrar
    anaesthetist pharmacist therapist manager volunteer student nurse doctor sister matron husband wife son daughter
    mum mom dad mother father brother partner friend nan nana gran grandma grandad grandson granddaughter aunt uncle
    cousin neighbour colleague worker assistant practitioner officer sonographer radiographer optician dentist visitor
    chaplain coordinator administrator secretary called named contact lead boyfriend girlfriend fiance fiancee
    baby boy girl lady gentleman guy man woman
""")
# Verbs that follow a person at the start of a sentence: "Gurpreet sorted it" puts an unknown word in doubt.
PERSON_VERBS = _words("""
    was is were said told rang called came made helped sorted explained took gave stayed asked listened looked
    treated saw did has had went kept got phoned emailed arranged organised showed dealt spoke answered smiled
    held cared reassured apologised noticed visited
""")
# Words before a first name that is also an ordinary word, making it a name: "thanks to Will".
THANKS = _words("to thanks thank called named")
THANKERS = _words("thanks thank you grateful")  # "thanks to X", "thank you to X", "grateful to X"
THANKS_IF_KNOWN = _words("to with ask asked")  # a first name in the lexicon after these: "with Will"
# Where people work, after "on", "in", "at", "from": "Sarah on reception", "Hassan from PALS".
WORKPLACES = _words("""
    reception desk front ward wards pharmacy radiology x-ray xray phlebotomy outpatients clinic theatre theatres
    recovery a&e ae resus triage icu itu hdu maternity labour pals switchboard booking appointments admissions
    discharge team night nights days weekend physio physiotherapy endoscopy oncology haematology cardiology
    dermatology audiology orthopaedics paediatrics dialysis day unit eye ent ultrasound mri scanning lab
""")
NEVER_NAMES = ROLES | HEALTH_WORDS - COMMON_NAME_WORDS
PLACE_AFTER = _words("""
    hospital hospitals infirmary ward unit centre center surgery practice clinic house street road avenue lane trust
    hospice court lodge wing suite park way drive close building medical health general royal university college
    school church station foundation group team services service partnership pharmacy village town city council
    square gardens crescent terrace grove place memorial community nhs ft pcn icb theatre department block floor
    teaching mental children's maternity curie nightingale seacole hall
""")
PLACE_BEFORE = _words("st saint royal queen king prince princess mount port fort lake great upper lower")
# Capitalised words that are neither names nor in doubt (for the review queue): months, days, places, languages.
KNOWN = MONTHS | WEEKDAYS | HEALTH_WORDS | TITLES | PLACE_BEFORE
