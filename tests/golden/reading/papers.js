__readingPapers("13pyx0i 1opav1r c42he7 ehbie7 eqizkl kn13rg nsf7ej ua02j6")
